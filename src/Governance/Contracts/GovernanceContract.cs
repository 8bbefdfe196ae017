using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Contracts;

/// <summary>
/// What both governance bindings share: calls at a block tag, transactions through a <see cref="TransactionSender"/>,
/// reverts mapped to <see cref="ContractRevertException"/>, typed events, PKI, identities, domain names and roles.
/// </summary>
public abstract class GovernanceContract
{
    private readonly TransactionSender? _sender;

    /// <summary>Creates a binding; <paramref name="sender"/> is needed only for state-changing methods.</summary>
    protected GovernanceContract(EthJsonRpcClient client, EthereumAddress address, TransactionSender? sender)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        Address = address;
        _sender = sender;
    }

    /// <summary>The contract address.</summary>
    public EthereumAddress Address { get; }

    /// <summary>The JSON-RPC client.</summary>
    public EthJsonRpcClient Client { get; }

    /// <summary>Block tag used by reads when none is given. Default: latest.</summary>
    public BlockTag DefaultBlock { get; init; } = BlockTag.Latest;

    /// <summary><c>PKI()</c>.</summary>
    public async Task<AppPki> GetPkiAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        AppPki.FromAbi((await CallAsync(GovernanceAbi.GetPki, [], block, cancellationToken).ConfigureAwait(false))[0]);

    /// <summary><c>setPKI(AppPKI)</c> (owner).</summary>
    public Task<TransactionReceipt> SetPkiAsync(AppPki pki, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.SetPki, [pki.ToAbi()], cancellationToken);

    /// <summary><c>DCAPIdentity(DCAPReport, DCAPEvent[])</c> evaluated by the contract.</summary>
    public async Task<byte[]> GetDcapIdentityAsync(DcapReport report, IReadOnlyList<DcapEvent>? eventLog = null, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (byte[])(await CallAsync(GovernanceAbi.DcapIdentity, [report.ToAbi(), (eventLog ?? []).Select(e => (object?)e.ToAbi()).ToArray()], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary><c>MAAIdentity(MAAReport)</c> evaluated by the contract.</summary>
    public async Task<byte[]> GetMaaIdentityAsync(MaaReport report, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (byte[])(await CallAsync(GovernanceAbi.MaaIdentity, [report.ToAbi()], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary>
    /// <c>IdentityAllowed(bytes32, address)</c>. Reverts ("Operator not authorized") unless the operator has ROLE_OPERATOR.
    /// </summary>
    public async Task<bool> IsIdentityAllowedAsync(byte[] identity, EthereumAddress @operator, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (bool)(await CallAsync(GovernanceAbi.IdentityAllowed, [identity, @operator], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary><c>registerInstanceDomainName(string)</c> (ROLE_OPERATOR; duplicates are rejected).</summary>
    public Task<TransactionReceipt> RegisterInstanceDomainNameAsync(string domain, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RegisterInstanceDomainName, [domain], cancellationToken);

    /// <summary><c>removeInstanceDomainName(string)</c> (owner; added by this project).</summary>
    public Task<TransactionReceipt> RemoveInstanceDomainNameAsync(string domain, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RemoveInstanceDomainName, [domain], cancellationToken);

    /// <summary><c>InstanceDomainNames()</c>.</summary>
    public async Task<IReadOnlyList<string>> GetInstanceDomainNamesAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        ContractValues.Strings((await CallAsync(GovernanceAbi.InstanceDomainNames, [], block, cancellationToken).ConfigureAwait(false))[0]);

    /// <summary><c>hasRole(bytes32, address)</c>.</summary>
    public async Task<bool> HasRoleAsync(byte[] role, EthereumAddress account, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (bool)(await CallAsync(GovernanceAbi.HasRole, [role, account], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary><c>grantRole(bytes32, address)</c> (role admin).</summary>
    public Task<TransactionReceipt> GrantRoleAsync(byte[] role, EthereumAddress account, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.GrantRole, [role, account], cancellationToken);

    /// <summary><c>revokeRole(bytes32, address)</c> (role admin).</summary>
    public Task<TransactionReceipt> RevokeRoleAsync(byte[] role, EthereumAddress account, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RevokeRole, [role, account], cancellationToken);

    /// <summary><c>renounceRole(bytes32, address)</c> (the account itself).</summary>
    public Task<TransactionReceipt> RenounceRoleAsync(byte[] role, EthereumAddress account, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RenounceRole, [role, account], cancellationToken);

    /// <summary><c>getRoleAdmin(bytes32)</c>.</summary>
    public async Task<byte[]> GetRoleAdminAsync(byte[] role, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (byte[])(await CallAsync(GovernanceAbi.GetRoleAdmin, [role], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary><c>transferOwnership(address)</c> (owner).</summary>
    public Task<TransactionReceipt> TransferOwnershipAsync(EthereumAddress newOwner, CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.TransferOwnership, [newOwner], cancellationToken);

    /// <summary>Reads a <c>uint256</c> constant such as <c>MAX_BYTES_SIZE()</c> (see <see cref="GovernanceAbi"/>).</summary>
    public async Task<BigInteger> GetConstantAsync(AbiFunction constant, BlockTag? block = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(constant);
        if (constant.Inputs.Count != 0 || constant.Outputs.Count != 1 || constant.Outputs[0].Kind != AbiTypeKind.UInt)
        {
            throw new ArgumentException($"{constant} is not a uint constant getter.", nameof(constant));
        }

        return (BigInteger)(await CallAsync(constant, [], block, cancellationToken).ConfigureAwait(false))[0]!;
    }

    /// <summary><c>renounceOwnership()</c> (owner; irreversible: owner-only functions become unusable).</summary>
    public Task<TransactionReceipt> RenounceOwnershipAsync(CancellationToken cancellationToken = default) =>
        SendAsync(GovernanceAbi.RenounceOwnership, [], cancellationToken);

    /// <summary><c>supportsInterface(bytes4)</c> (ERC-165).</summary>
    public async Task<bool> SupportsInterfaceAsync(byte[] interfaceId, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (bool)(await CallAsync(GovernanceAbi.SupportsInterface, [interfaceId], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary>Reads a <c>bytes32</c> role constant such as <c>ROLE_OPERATOR()</c> or <c>DEFAULT_ADMIN_ROLE()</c>.</summary>
    public async Task<byte[]> GetRoleConstantAsync(AbiFunction roleGetter, BlockTag? block = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roleGetter);
        if (roleGetter.Inputs.Count != 0 || roleGetter.Outputs.Count != 1 || roleGetter.Outputs[0].CanonicalName != "bytes32")
        {
            throw new ArgumentException($"{roleGetter} is not a bytes32 constant getter.", nameof(roleGetter));
        }

        return (byte[])(await CallAsync(roleGetter, [], block, cancellationToken).ConfigureAwait(false))[0]!;
    }

    /// <summary><c>owner()</c>.</summary>
    public async Task<EthereumAddress> GetOwnerAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (EthereumAddress)(await CallAsync(GovernanceAbi.Owner, [], block, cancellationToken).ConfigureAwait(false))[0]!;

    /// <summary>All governance events of this contract in a block range, in chain order.</summary>
    public async Task<IReadOnlyList<GovernanceEvent>> GetEventsAsync(BlockTag fromBlock, BlockTag toBlock, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<EthLog> logs = await Client.GetLogsAsync(new LogFilter { Addresses = [Address], FromBlock = fromBlock, ToBlock = toBlock }, cancellationToken).ConfigureAwait(false);
        return logs.Where(l => !l.Removed && l.Address == Address).Select(GovernanceEvent.TryDecode).OfType<GovernanceEvent>().ToArray();
    }

    /// <summary>The governance events in a receipt that this contract emitted.</summary>
    public IReadOnlyList<GovernanceEvent> DecodeEvents(TransactionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return receipt.Logs.Where(l => l.Address == Address).Select(GovernanceEvent.TryDecode).OfType<GovernanceEvent>().ToArray();
    }

    /// <summary>Calls a view function (eth_call) and decodes its outputs; reverts become <see cref="ContractRevertException"/>.</summary>
    protected async Task<object?[]> CallAsync(AbiFunction function, object?[] arguments, BlockTag? block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        byte[] data = function.EncodeCall(arguments);
        byte[] result;
        try
        {
            result = await Client.CallAsync(new CallRequest { To = Address, Data = data }, block ?? DefaultBlock, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            throw new ContractRevertException(function.Signature, ex.DecodeRevert(GovernanceAbi.Errors)!, ex);
        }

        return function.DecodeOutput(result);
    }

    /// <summary>Sends a state-changing transaction and waits for its receipt; reverts become <see cref="ContractRevertException"/>.</summary>
    protected async Task<TransactionReceipt> SendAsync(AbiFunction function, object?[] arguments, CancellationToken cancellationToken, BigInteger value = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        TransactionSender sender = _sender ?? throw new InvalidOperationException("This binding was created without a transaction sender (read-only).");
        byte[] data = function.EncodeCall(arguments);
        try
        {
            return await sender.SendAndWaitAsync(Address, data, value, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            throw new ContractRevertException(function.Signature, ex.DecodeRevert(GovernanceAbi.Errors)!, ex);
        }
    }
}
