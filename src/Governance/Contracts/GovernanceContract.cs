using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

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

    /// <summary>
    /// Largest return data a view call may produce before it is rejected unread. Default: 1 MiB (the contracts cap
    /// stored bytes at <c>MAX_BYTES_SIZE</c>, far below).
    /// </summary>
    public int MaxReturnDataBytes { get; init; } = 1024 * 1024;

    /// <summary><c>PKI()</c>.</summary>
    public async Task<AppPki> GetPkiAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        AppPki.FromStruct((await CallAsync<PkiFunction, AppPkiOutput>(new(), block, cancellationToken).ConfigureAwait(false)).Value);

    /// <summary><c>setPKI(AppPKI)</c> (owner).</summary>
    public Task<TransactionReceipt> SetPkiAsync(AppPki pki, CancellationToken cancellationToken = default) =>
        SendAsync(new SetPkiFunction { Pki = pki.ToStruct() }, cancellationToken);

    /// <summary><c>DCAPIdentity(DCAPReport, DCAPEvent[])</c> evaluated by the contract.</summary>
    public async Task<byte[]> GetDcapIdentityAsync(DcapReport report, IReadOnlyList<DcapEvent>? eventLog = null, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<DcapIdentityFunction, Bytes32Output>(new() { Report = report.ToStruct(), EventLog = [.. (eventLog ?? []).Select(e => e.ToStruct())] }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>MAAIdentity(MAAReport)</c> evaluated by the contract.</summary>
    public async Task<byte[]> GetMaaIdentityAsync(MaaReport report, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<MaaIdentityFunction, Bytes32Output>(new() { Report = report.ToStruct() }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// <c>IdentityAllowed(bytes32, address)</c>. Reverts ("Operator not authorized") unless the operator has ROLE_OPERATOR.
    /// </summary>
    public async Task<bool> IsIdentityAllowedAsync(byte[] identity, EthereumAddress @operator, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<IdentityAllowedFunction, BoolOutput>(new() { Identity = ContractValues.Fixed(identity, 32, nameof(identity)), Operator = @operator.ToLowerHexString() }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>registerInstanceDomainName(string)</c> (ROLE_OPERATOR; duplicates are rejected).</summary>
    public Task<TransactionReceipt> RegisterInstanceDomainNameAsync(string domain, CancellationToken cancellationToken = default) =>
        SendAsync(new RegisterInstanceDomainNameFunction { Domain = domain }, cancellationToken);

    /// <summary><c>removeInstanceDomainName(string)</c> (owner; added by this project).</summary>
    public Task<TransactionReceipt> RemoveInstanceDomainNameAsync(string domain, CancellationToken cancellationToken = default) =>
        SendAsync(new RemoveInstanceDomainNameFunction { Domain = domain }, cancellationToken);

    /// <summary><c>InstanceDomainNames()</c>.</summary>
    public async Task<IReadOnlyList<string>> GetInstanceDomainNamesAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<InstanceDomainNamesFunction, StringArrayOutput>(new(), block, cancellationToken).ConfigureAwait(false)).Value.ToArray();

    /// <summary><c>hasRole(bytes32, address)</c>.</summary>
    public async Task<bool> HasRoleAsync(byte[] role, EthereumAddress account, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<HasRoleFunction, BoolOutput>(new() { Role = ContractValues.Fixed(role, 32, nameof(role)), Account = account.ToLowerHexString() }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>grantRole(bytes32, address)</c> (role admin).</summary>
    public Task<TransactionReceipt> GrantRoleAsync(byte[] role, EthereumAddress account, CancellationToken cancellationToken = default) =>
        SendAsync(new GrantRoleFunction { Role = ContractValues.Fixed(role, 32, nameof(role)), Account = account.ToLowerHexString() }, cancellationToken);

    /// <summary><c>revokeRole(bytes32, address)</c> (role admin).</summary>
    public Task<TransactionReceipt> RevokeRoleAsync(byte[] role, EthereumAddress account, CancellationToken cancellationToken = default) =>
        SendAsync(new RevokeRoleFunction { Role = ContractValues.Fixed(role, 32, nameof(role)), Account = account.ToLowerHexString() }, cancellationToken);

    /// <summary><c>renounceRole(bytes32, address)</c> (the account itself).</summary>
    public Task<TransactionReceipt> RenounceRoleAsync(byte[] role, EthereumAddress account, CancellationToken cancellationToken = default) =>
        SendAsync(new RenounceRoleFunction { Role = ContractValues.Fixed(role, 32, nameof(role)), CallerConfirmation = account.ToLowerHexString() }, cancellationToken);

    /// <summary><c>getRoleAdmin(bytes32)</c>.</summary>
    public async Task<byte[]> GetRoleAdminAsync(byte[] role, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<GetRoleAdminFunction, Bytes32Output>(new() { Role = ContractValues.Fixed(role, 32, nameof(role)) }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary><c>transferOwnership(address)</c> (owner).</summary>
    public Task<TransactionReceipt> TransferOwnershipAsync(EthereumAddress newOwner, CancellationToken cancellationToken = default) =>
        SendAsync(new TransferOwnershipFunction { NewOwner = newOwner.ToLowerHexString() }, cancellationToken);

    /// <summary>Reads a <c>uint256</c> constant such as <c>MAX_BYTES_SIZE()</c> (see <see cref="GovernanceAbi"/>).</summary>
    public async Task<BigInteger> GetConstantAsync(AbiFunction constant, BlockTag? block = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(constant);
        if (constant.Inputs.Count != 0 || constant.Outputs.Count != 1 || constant.Outputs[0].Kind != AbiTypeKind.UInt)
        {
            throw new ArgumentException($"{constant} is not a uint constant getter.", nameof(constant));
        }

        return (await CallConstantAsync<UInt256Output>(constant, block, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary><c>renounceOwnership()</c> (owner; irreversible: owner-only functions become unusable).</summary>
    public Task<TransactionReceipt> RenounceOwnershipAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new RenounceOwnershipFunction(), cancellationToken);

    /// <summary><c>supportsInterface(bytes4)</c> (ERC-165).</summary>
    public async Task<bool> SupportsInterfaceAsync(byte[] interfaceId, BlockTag? block = null, CancellationToken cancellationToken = default) =>
        (await CallAsync<SupportsInterfaceFunction, BoolOutput>(new() { InterfaceId = ContractValues.Fixed(interfaceId, 4, nameof(interfaceId)) }, block, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Reads a <c>bytes32</c> role constant such as <c>ROLE_OPERATOR()</c> or <c>DEFAULT_ADMIN_ROLE()</c>.</summary>
    public async Task<byte[]> GetRoleConstantAsync(AbiFunction roleGetter, BlockTag? block = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roleGetter);
        if (roleGetter.Inputs.Count != 0 || roleGetter.Outputs.Count != 1 || roleGetter.Outputs[0].CanonicalName != "bytes32")
        {
            throw new ArgumentException($"{roleGetter} is not a bytes32 constant getter.", nameof(roleGetter));
        }

        return (await CallConstantAsync<Bytes32Output>(roleGetter, block, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary><c>owner()</c>.</summary>
    public async Task<EthereumAddress> GetOwnerAsync(BlockTag? block = null, CancellationToken cancellationToken = default) =>
        ContractValues.Address((await CallAsync<OwnerFunction, AddressOutput>(new(), block, cancellationToken).ConfigureAwait(false)).Value);

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

    /// <summary>
    /// Calls a view function (eth_call) with call data Nethereum encodes from <paramref name="function"/> and decodes
    /// the return data into <typeparamref name="TOutput"/> behind <see cref="GuardedOutputDecoder"/>; reverts become
    /// <see cref="ContractRevertException"/>.
    /// </summary>
    internal async Task<TOutput> CallAsync<TFunction, TOutput>(TFunction function, BlockTag? block, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
        where TOutput : class, IFunctionOutputDTO, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        byte[] result = await CallRawAsync(TypedFunction<TFunction>.Signature, function.GetCallData(), block, cancellationToken).ConfigureAwait(false);
        return GuardedOutputDecoder.Decode<TOutput>(TypedFunction<TFunction>.Descriptor, result, MaxReturnDataBytes);
    }

    /// <summary>Sends a state-changing transaction with Nethereum-encoded call data and waits for its receipt; reverts become <see cref="ContractRevertException"/>.</summary>
    internal async Task<TransactionReceipt> SendAsync<TFunction>(TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        TransactionSender sender = _sender ?? throw new InvalidOperationException("This binding was created without a transaction sender (read-only).");
        byte[] data = function.GetCallData();
        try
        {
            return await sender.SendAndWaitAsync(Address, data, function.AmountToSend, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            throw new ContractRevertException(TypedFunction<TFunction>.Signature, ex.DecodeRevert(GovernanceAbi.Errors)!, ex);
        }
    }

    // A constant getter has no arguments: its call data is its selector, whichever descriptor the caller names.
    private async Task<TOutput> CallConstantAsync<TOutput>(AbiFunction getter, BlockTag? block, CancellationToken cancellationToken)
        where TOutput : class, IFunctionOutputDTO, new()
    {
        byte[] result = await CallRawAsync(getter.Signature, getter.Selector.ToArray(), block, cancellationToken).ConfigureAwait(false);
        return GuardedOutputDecoder.Decode<TOutput>(getter, result, MaxReturnDataBytes);
    }

    private async Task<byte[]> CallRawAsync(string signature, byte[] data, BlockTag? block, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.CallAsync(new CallRequest { To = Address, Data = data }, block ?? DefaultBlock, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            throw new ContractRevertException(signature, ex.DecodeRevert(GovernanceAbi.Errors)!, ex);
        }
    }
}
