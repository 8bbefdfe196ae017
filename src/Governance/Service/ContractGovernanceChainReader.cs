using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Policy;

namespace Kms.Governance.Service;

/// <summary>
/// <see cref="IGovernanceChainReader"/> over JSON-RPC with the typed governance bindings (KmsGovernance / AppRegistry).
/// </summary>
public sealed class ContractGovernanceChainReader : IGovernanceChainReader
{
    private readonly EthJsonRpcClient _client;
    private readonly EthereumAddress _operator;

    /// <summary>Creates the reader.</summary>
    /// <param name="client">The JSON-RPC client.</param>
    /// <param name="operator">This KMS's operator account: the contracts answer identity queries only for holders of ROLE_OPERATOR.</param>
    public ContractGovernanceChainReader(EthJsonRpcClient client, EthereumAddress @operator)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _operator = @operator;
    }

    /// <inheritdoc/>
    public Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken) => _client.GetBlockNumberAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<bool> IsIdentityAllowedAsync(EthereumAddress contract, WorkloadIdentity identity, ulong block, CancellationToken cancellationToken) =>
        new KmsGovernanceContract(_client, contract).IsIdentityAllowedAsync(identity.Bytes.ToArray(), _operator, BlockTag.Number(block), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> IsIdentityAllowedForOperatorAsync(EthereumAddress contract, WorkloadIdentity identity, EthereumAddress @operator, ulong block, CancellationToken cancellationToken) =>
        new KmsGovernanceContract(_client, contract).IsIdentityAllowedAsync(identity.Bytes.ToArray(), @operator, BlockTag.Number(block), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> IsApplicationAllowedAsync(EthereumAddress kmsGovernance, EthereumAddress application, ulong block, CancellationToken cancellationToken) =>
        new KmsGovernanceContract(_client, kmsGovernance).IsApplicationAllowedAsync(application, BlockTag.Number(block), cancellationToken);

    /// <inheritdoc/>
    public async Task<byte[]?> GetConfigHashAsync(EthereumAddress registry, WorkloadIdentity identity, ulong block, CancellationToken cancellationToken)
    {
        try
        {
            return await new AppRegistryContract(_client, registry)
                .GetConfigForIdentityAsync(identity.Bytes.ToArray(), _operator, BlockTag.Number(block), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ContractRevertException ex) when (ex.Reason.Message == "Config not mapped")
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public Task<bool> IsOperatorAsync(EthereumAddress contract, EthereumAddress account, ulong block, CancellationToken cancellationToken) =>
        new KmsGovernanceContract(_client, contract).HasRoleAsync(KmsGovernanceContract.RoleOperator, account, BlockTag.Number(block), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// One eth_getLogs over all <paramref name="contracts"/>. A log this reader cannot classify (an event outside the
    /// governance ABI such as a proxy upgrade, a malformed governance event, or a log removed by a reorg) may have
    /// changed anything its contract answers, so it invalidates the whole contract rather than nothing.
    /// </remarks>
    public async Task<IReadOnlyList<GovernanceChange>> GetChangesAsync(
        IReadOnlyCollection<EthereumAddress> contracts, ulong fromBlock, ulong toBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        if (contracts.Count == 0)
        {
            return [];
        }

        IReadOnlyList<EthLog> logs = await _client
            .GetLogsAsync(new LogFilter { Addresses = [.. contracts], FromBlock = BlockTag.Number(fromBlock), ToBlock = BlockTag.Number(toBlock) }, cancellationToken)
            .ConfigureAwait(false);
        var changes = new List<GovernanceChange>();
        foreach (EthLog log in logs)
        {
            if (contracts.Contains(log.Address) && ToChange(log) is { } change)
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    private static GovernanceChange? ToChange(EthLog log)
    {
        EthereumAddress contract = log.Address;
        ulong block = log.BlockNumber;
        GovernanceEvent? decoded;
        try
        {
            decoded = log.Removed ? null : GovernanceEvent.TryDecode(log);
        }
        catch (AbiDecodingException)
        {
            decoded = null;
        }

        return decoded switch
        {
            IdentityAllowlisted x => IdentityChange(contract, block, x.Identity),
            IdentityRemoved x => IdentityChange(contract, block, x.Identity),
            IdentityConfigSet x => IdentityChange(contract, block, x.Identity),
            IdentityConfigRemoved x => IdentityChange(contract, block, x.Identity),
            // The Go system's KMS.sol emits nothing on these; answers are also cached per block (OnchainGovernance).
            ApplicationAllowlisted or ApplicationRemoved => new GovernanceChange(contract, block, GovernanceChangeScope.Everything),
            RoleGranted x => new GovernanceChange(contract, block, GovernanceChangeScope.Account, Account: x.Account),
            RoleRevoked x => new GovernanceChange(contract, block, GovernanceChangeScope.Account, Account: x.Account),
            null or OwnershipTransferred => new GovernanceChange(contract, block, GovernanceChangeScope.Everything),

            // PKI, domain names, applications, onboarding, storage, artifacts and role admins are not cached by governance.
            _ => null,
        };
    }

    private static GovernanceChange IdentityChange(EthereumAddress contract, ulong block, byte[] identity) =>
        identity.Length == WorkloadIdentity.SizeInBytes
            ? new GovernanceChange(contract, block, GovernanceChangeScope.Identity, WorkloadIdentity.FromBytes(identity))
            : new GovernanceChange(contract, block, GovernanceChangeScope.Everything);
}
