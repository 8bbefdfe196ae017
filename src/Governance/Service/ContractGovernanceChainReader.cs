using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Policy;
using WorkloadIdentity = Kms.Governance.Policy.WorkloadIdentity;

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
    public async Task<IReadOnlyList<GovernanceChange>> GetChangesAsync(
        IReadOnlyCollection<EthereumAddress> contracts, ulong fromBlock, ulong toBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        var changes = new List<GovernanceChange>();
        foreach (EthereumAddress contract in contracts)
        {
            IReadOnlyList<GovernanceEvent> events = await new KmsGovernanceContract(_client, contract)
                .GetEventsAsync(BlockTag.Number(fromBlock), BlockTag.Number(toBlock), cancellationToken)
                .ConfigureAwait(false);
            foreach (GovernanceEvent e in events)
            {
                GovernanceChange? change = ToChange(contract, e);
                if (change is not null)
                {
                    changes.Add(change);
                }
            }
        }

        return changes;
    }

    private static GovernanceChange? ToChange(EthereumAddress contract, GovernanceEvent e)
    {
        ulong block = e.Log.BlockNumber;
        return e switch
        {
            IdentityAllowlisted x => IdentityChange(contract, block, x.Identity),
            IdentityRemoved x => IdentityChange(contract, block, x.Identity),
            IdentityConfigSet x => IdentityChange(contract, block, x.Identity),
            IdentityConfigRemoved x => IdentityChange(contract, block, x.Identity),
            RoleGranted x => new GovernanceChange(contract, block, GovernanceChangeScope.Account, Account: x.Account),
            RoleRevoked x => new GovernanceChange(contract, block, GovernanceChangeScope.Account, Account: x.Account),
            OwnershipTransferred => new GovernanceChange(contract, block, GovernanceChangeScope.Everything),

            // PKI, domain names, applications, onboarding, storage and artifacts are not cached by governance.
            _ => null,
        };
    }

    private static GovernanceChange IdentityChange(EthereumAddress contract, ulong block, byte[] identity) =>
        identity.Length == WorkloadIdentity.SizeInBytes
            ? new GovernanceChange(contract, block, GovernanceChangeScope.Identity, WorkloadIdentity.FromBytes(identity))
            : new GovernanceChange(contract, block, GovernanceChangeScope.Everything);
}
