using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;

namespace Kms.Governance.Service;

/// <summary>What a change event touches, for cache invalidation.</summary>
public enum GovernanceChangeScope
{
    /// <summary>One identity's admission or config.</summary>
    Identity,

    /// <summary>One account's roles.</summary>
    Account,

    /// <summary>Anything of the contract (e.g. ownership moved): drop everything cached for it.</summary>
    Everything,
}

/// <summary>A governance state change seen in a contract's logs.</summary>
/// <param name="Contract">The contract that emitted it.</param>
/// <param name="BlockNumber">The block it is in.</param>
/// <param name="Scope">What it touches.</param>
/// <param name="Identity">The identity, for <see cref="GovernanceChangeScope.Identity"/>.</param>
/// <param name="Account">The account, for <see cref="GovernanceChangeScope.Account"/>.</param>
public sealed record GovernanceChange(
    EthereumAddress Contract,
    ulong BlockNumber,
    GovernanceChangeScope Scope,
    WorkloadIdentity? Identity = null,
    EthereumAddress? Account = null);

/// <summary>
/// The chain reads <see cref="OnchainGovernance"/> needs, at explicit block numbers. Any failure to read throws;
/// the caller turns it into <see cref="GovernanceUnavailableException"/>.
/// </summary>
public interface IGovernanceChainReader
{
    /// <summary>The latest block number.</summary>
    Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken);

    /// <summary><c>IdentityAllowed(identity, operator)</c> on <paramref name="contract"/> at <paramref name="block"/>.</summary>
    Task<bool> IsIdentityAllowedAsync(EthereumAddress contract, WorkloadIdentity identity, ulong block, CancellationToken cancellationToken);

    /// <summary>
    /// <c>IdentityAllowed(identity, operator)</c> on <paramref name="contract"/> at <paramref name="block"/>, asked on
    /// behalf of <paramref name="operator"/> (the Go registry's instance operator) rather than this KMS's own account.
    /// A revert (the operator lacks ROLE_OPERATOR) throws <see cref="Contracts.ContractRevertException"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">This reader cannot ask on behalf of another operator.</exception>
    Task<bool> IsIdentityAllowedForOperatorAsync(EthereumAddress contract, WorkloadIdentity identity, EthereumAddress @operator, ulong block, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This governance reader cannot ask IdentityAllowed on behalf of another operator.");

    /// <summary><c>ApplicationAllowed(application)</c> on the KMS governance contract <paramref name="kmsGovernance"/> at <paramref name="block"/>.</summary>
    /// <exception cref="NotSupportedException">This reader cannot read the application allowlist.</exception>
    Task<bool> IsApplicationAllowedAsync(EthereumAddress kmsGovernance, EthereumAddress application, ulong block, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This governance reader cannot read the KMS application allowlist.");

    /// <summary>The config hash of <paramref name="identity"/> in a registry at <paramref name="block"/>, or <see langword="null"/> when none is mapped.</summary>
    Task<byte[]?> GetConfigHashAsync(EthereumAddress registry, WorkloadIdentity identity, ulong block, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="account"/> holds ROLE_OPERATOR on <paramref name="contract"/> at <paramref name="block"/>.</summary>
    Task<bool> IsOperatorAsync(EthereumAddress contract, EthereumAddress account, ulong block, CancellationToken cancellationToken);

    /// <summary>The governance changes the contracts logged in blocks <paramref name="fromBlock"/>..<paramref name="toBlock"/> (inclusive).</summary>
    Task<IReadOnlyList<GovernanceChange>> GetChangesAsync(IReadOnlyCollection<EthereumAddress> contracts, ulong fromBlock, ulong toBlock, CancellationToken cancellationToken);
}
