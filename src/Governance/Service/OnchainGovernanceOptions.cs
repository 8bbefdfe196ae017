using Kms.Crypto.Ethereum;

namespace Kms.Governance.Service;

/// <summary>The contracts that govern one namespace.</summary>
/// <param name="Registry">The application registry (AppRegistry / OnchainRegistry ABI): admitted identities, config hashes, operators.</param>
/// <param name="KmsGovernance">The KMS governance contract (KMS.sol ABI) whose allowlist says who may replicate/join; null = nobody.</param>
public sealed record OnchainNamespace(EthereumAddress Registry, EthereumAddress? KmsGovernance = null);

/// <summary>Options of <see cref="OnchainGovernance"/>.</summary>
public sealed class OnchainGovernanceOptions
{
    /// <summary>Namespace name → governing contracts. Namespaces not listed are unknown (denied). Default: empty.</summary>
    public Dictionary<string, OnchainNamespace> Namespaces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads happen at <c>latest − Confirmations</c>, so a change becomes visible only once that many blocks are built on
    /// top of it (and a shallow reorg cannot flip an answer). Default: 3. Use more on chains with deeper reorgs.
    /// </summary>
    public int Confirmations { get; set; } = 3;

    /// <summary>
    /// How often the block number is polled and eth_getLogs run from the last seen block to invalidate the cache.
    /// Polling happens on demand when a decision is asked for and the last poll is older. Default: 2 seconds.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When the chain could not be read for longer than this, every decision fails with
    /// <see cref="GovernanceUnavailableException"/> instead of answering from a cache that may miss a revocation.
    /// Default: 60 seconds.
    /// </summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most blocks one eth_getLogs request covers (providers cap the range). Default: 2000.</summary>
    public ulong MaxLogBlockRange { get; set; } = 2000;

    /// <summary>The most cached answers; beyond it the cache is emptied (answers are re-read). Default: 100 000.</summary>
    public int MaxCacheEntries { get; set; } = 100_000;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Confirmations);
        ArgumentOutOfRangeException.ThrowIfLessThan(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StalenessBound, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfZero(MaxLogBlockRange);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCacheEntries, 1);
        ArgumentNullException.ThrowIfNull(Namespaces);
    }
}
