using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Governance.Service;

/// <summary>
/// Governance read from Ethereum contracts, cached by block: answers are read at <c>latest − Confirmations</c> and
/// kept until a contract event touching them (found by polling eth_getLogs from the last seen block) invalidates
/// them. When the chain has not been read successfully for <see cref="OnchainGovernanceOptions.StalenessBound"/>,
/// every decision throws <see cref="GovernanceUnavailableException"/> (fail closed).
/// </summary>
/// <remarks>
/// Onchain semantics (the Go system's): an identity is admitted when the namespace's registry allows it, with the
/// registry's config hash; an admitted identity may query every key of its namespace (the contracts have no per-key
/// grants); replication/join is allowed for identities on the KMS governance contract's allowlist; operators are
/// holders of ROLE_OPERATOR on the registry.
/// </remarks>
public sealed partial class OnchainGovernance : INamespaceGovernance
{
    private readonly IGovernanceChainReader _reader;
    private readonly OnchainGovernanceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EthereumAddress[] _contracts;
    private readonly SemaphoreSlim _syncLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, object> _cache = [];

    private ulong? _syncedBlock;
    private long _generation;
    private DateTimeOffset? _lastSyncAttempt;
    private DateTimeOffset? _lastSyncSuccess;
    private string? _lastSyncError;

    /// <summary>Creates the service.</summary>
    public OnchainGovernance(IGovernanceChainReader reader, OnchainGovernanceOptions options, TimeProvider timeProvider, ILogger<OnchainGovernance>? logger = null)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _contracts = _options.Namespaces.Values
            .SelectMany(n => n.KmsGovernance is { } kms ? new[] { n.Registry, kms } : [n.Registry])
            .Distinct()
            .ToArray();
    }

    /// <summary>The block the cache is synchronized to (reads happen there), or null before the first sync.</summary>
    public ulong? SyncedBlock
    {
        get
        {
            lock (_gate)
            {
                return _syncedBlock;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckIdentityAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default)
    {
        if (!TryGetNamespace(@namespace, out OnchainNamespace? config))
        {
            return Unknown(@namespace);
        }

        (bool allowed, byte[]? configHash, ulong block) = await ReadIdentityAsync(config.Registry, identity, cancellationToken).ConfigureAwait(false);
        return allowed
            ? GovernanceDecision.Allow($"Identity {identity} is allowed by registry {config.Registry.ToLowerHexString()} at block {block}.", block, configHash)
            : GovernanceDecision.Deny(GovernanceDenialReason.IdentityNotAllowed, $"Identity {identity} is not allowed by registry {config.Registry.ToLowerHexString()} at block {block}.", block);
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckOperatorAsync(string @namespace, string operatorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operatorId);
        if (!TryGetNamespace(@namespace, out OnchainNamespace? config))
        {
            return Unknown(@namespace);
        }

        if (!EthereumAddress.TryParse(operatorId, out EthereumAddress account))
        {
            return GovernanceDecision.Deny(GovernanceDenialReason.NotOperator, "Onchain operators are Ethereum addresses.", 0);
        }

        (bool isOperator, ulong block) = await ReadCachedAsync(
            new CacheKey(config.Registry, CacheKind.Operator, account.ToLowerHexString()),
            (b, ct) => _reader.IsOperatorAsync(config.Registry, account, b, ct),
            cancellationToken).ConfigureAwait(false);
        return isOperator
            ? GovernanceDecision.Allow($"{account.ToLowerHexString()} holds ROLE_OPERATOR at block {block}.", block)
            : GovernanceDecision.Deny(GovernanceDenialReason.NotOperator, $"{account.ToLowerHexString()} does not hold ROLE_OPERATOR at block {block}.", block);
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckKeyAccessAsync(string @namespace, WorkloadIdentity identity, string keyName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        GovernanceDecision admitted = await CheckIdentityAsync(@namespace, identity, cancellationToken).ConfigureAwait(false);
        return admitted.IsAllowed
            ? admitted with { Detail = $"Identity {identity} is allowed, so it may query key \"{keyName}\" (at block {admitted.SourceVersion})." }
            : admitted;
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckReplicationAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default)
    {
        if (!TryGetNamespace(@namespace, out OnchainNamespace? config))
        {
            return Unknown(@namespace);
        }

        if (config.KmsGovernance is not { } kms)
        {
            return GovernanceDecision.Deny(GovernanceDenialReason.ReplicationNotGranted, $"Namespace \"{@namespace}\" has no KMS governance contract.", 0);
        }

        (bool allowed, ulong block) = await ReadCachedAsync(
            new CacheKey(kms, CacheKind.Allowed, identity.ToString()),
            (b, ct) => _reader.IsIdentityAllowedAsync(kms, identity, b, ct),
            cancellationToken).ConfigureAwait(false);
        return allowed
            ? GovernanceDecision.Allow($"Identity {identity} is on the KMS allowlist at block {block}.", block)
            : GovernanceDecision.Deny(GovernanceDenialReason.ReplicationNotGranted, $"Identity {identity} is not on the KMS allowlist at block {block}.", block);
    }

    /// <summary>
    /// Polls the chain once: moves the synchronized block to <c>latest − Confirmations</c> and drops every cached
    /// answer that a logged change in between touches. Decisions call this on demand; a host may also call it on a timer.
    /// </summary>
    /// <exception cref="Exception">Whatever the chain reader throws (the failure is also recorded for staleness).</exception>
    public Task SyncAsync(CancellationToken cancellationToken = default) => SyncAsync(onlyIfDue: false, cancellationToken);

    private async Task SyncAsync(bool onlyIfDue, CancellationToken cancellationToken)
    {
        await _syncLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool polled = false;
        try
        {
            lock (_gate)
            {
                // Decisions that found a poll due while another sync ran queue up here: the first one polls, the rest
                // use its result instead of polling the chain once each.
                if (onlyIfDue && !IsPollDue())
                {
                    return;
                }

                _lastSyncAttempt = _time.GetUtcNow();
                polled = true;
            }

            try
            {
                await SyncCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (_gate)
                {
                    _lastSyncError = ex.GetType().Name + ": " + ex.Message;
                }

                LogSyncFailed(_logger, ex);
                throw;
            }
        }
        finally
        {
            if (polled)
            {
                lock (_gate)
                {
                    // The poll interval counts from the end of a poll: a poll slower than the interval (a node timing
                    // out) must not make every decision queued behind it poll again.
                    _lastSyncAttempt = _time.GetUtcNow();
                }
            }

            _syncLock.Release();
        }
    }

    private async Task SyncCoreAsync(CancellationToken cancellationToken)
    {
        ulong latest = await _reader.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        ulong target = latest > (ulong)_options.Confirmations ? latest - (ulong)_options.Confirmations : 0;
        ulong? synced = SyncedBlock;

        // Collect every change up to the target first and apply them together with the move of the synchronized
        // block, under one lock: a decision that reads between the two would otherwise cache an answer read at the old
        // block after its invalidation had already happened, and keep it at the new block.
        var changes = new List<GovernanceChange>();
        bool clearAll = false;
        if (synced is ulong from && target > from)
        {
            for (ulong start = from + 1; start <= target; start += _options.MaxLogBlockRange)
            {
                ulong end = Math.Min(target, start + _options.MaxLogBlockRange - 1);
                changes.AddRange(await _reader.GetChangesAsync(_contracts, start, end, cancellationToken).ConfigureAwait(false));
                if (changes.Count > _options.MaxCacheEntries)
                {
                    // More changes than the cache can hold: dropping everything is cheaper and covers the rest of the range.
                    clearAll = true;
                    break;
                }
            }
        }
        else if (synced is ulong ahead && target < ahead)
        {
            // The chain went backwards further than the confirmation depth (deep reorg or a reset node):
            // nothing cached can be trusted.
            LogChainRewound(_logger, ahead, target);
            clearAll = true;
        }

        lock (_gate)
        {
            if (clearAll)
            {
                _cache.Clear();
            }
            else
            {
                Invalidate(changes);
            }

            if (_syncedBlock != target)
            {
                _generation++;
            }

            _syncedBlock = target;
            _lastSyncSuccess = _time.GetUtcNow();
            _lastSyncError = null;
        }

        if (changes.Count > 0)
        {
            LogInvalidated(_logger, changes.Count);
        }
    }

    /// <summary>Drops the cached answers <paramref name="changes"/> touch. Called under <see cref="_gate"/>.</summary>
    private void Invalidate(List<GovernanceChange> changes)
    {
        foreach (GovernanceChange change in changes)
        {
            switch (change.Scope)
            {
                case GovernanceChangeScope.Identity when change.Identity is { } identity:
                    string id = identity.ToString();
                    _cache.Remove(new CacheKey(change.Contract, CacheKind.Allowed, id));
                    _cache.Remove(new CacheKey(change.Contract, CacheKind.Config, id));
                    RemoveOperatorAnswers(change.Contract, key => key.StartsWith(id + "/", StringComparison.Ordinal));
                    break;
                case GovernanceChangeScope.Account when change.Account is { } account:
                    string accountHex = account.ToLowerHexString();
                    _cache.Remove(new CacheKey(change.Contract, CacheKind.Operator, accountHex));
                    RemoveOperatorAnswers(change.Contract, key => key.EndsWith("/" + accountHex, StringComparison.Ordinal));
                    break;
                default:
                    foreach (CacheKey key in _cache.Keys.Where(k => k.Contract == change.Contract).ToArray())
                    {
                        _cache.Remove(key);
                    }

                    break;
            }
        }

        if (changes.Count > 0)
        {
            _generation++;
        }
    }

    /// <summary>Drops cached per-operator identity answers of a contract whose key matches. Called under <see cref="_gate"/>.</summary>
    private void RemoveOperatorAnswers(EthereumAddress contract, Func<string, bool> matches)
    {
        foreach (CacheKey key in _cache.Keys.Where(k => k.Contract == contract && k.Kind == CacheKind.AllowedForOperator && matches(k.Key)).ToArray())
        {
            _cache.Remove(key);
        }
    }

    /// <summary>Brings the cache up to date if a poll is due and returns the block to read at; throws when stale.</summary>
    private async Task<(ulong Block, long Generation)> EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        bool due;
        lock (_gate)
        {
            due = IsPollDue();
        }

        if (due)
        {
            try
            {
                await SyncAsync(onlyIfDue: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Recorded by SyncAsync; the staleness check below decides whether cached answers may still be used.
            }
        }

        lock (_gate)
        {
            TimeSpan? age = _lastSyncSuccess is { } success ? _time.GetUtcNow() - success : null;
            if (_syncedBlock is not ulong block || age is null || age.Value > _options.StalenessBound)
            {
                string since = age is { } a ? $"last read {a.TotalSeconds:F0} s ago" : "never read";
                throw new GovernanceUnavailableException(
                    $"Governance chain state is stale ({since}, bound {_options.StalenessBound.TotalSeconds:F0} s){(_lastSyncError is null ? string.Empty : ": " + _lastSyncError)}.");
            }

            return (block, _generation);
        }
    }

    /// <summary>Whether the last poll is older than the poll interval. Called under <see cref="_gate"/>.</summary>
    private bool IsPollDue() => _lastSyncAttempt is null || _time.GetUtcNow() - _lastSyncAttempt.Value >= _options.PollInterval;

    private async Task<(bool Allowed, byte[]? ConfigHash, ulong Block)> ReadIdentityAsync(EthereumAddress registry, WorkloadIdentity identity, CancellationToken cancellationToken)
    {
        string id = identity.ToString();
        (bool allowed, ulong block) = await ReadCachedAsync(
            new CacheKey(registry, CacheKind.Allowed, id),
            (b, ct) => _reader.IsIdentityAllowedAsync(registry, identity, b, ct),
            cancellationToken).ConfigureAwait(false);
        if (!allowed)
        {
            return (false, null, block);
        }

        (ConfigValue config, ulong configBlock) = await ReadCachedAsync(
            new CacheKey(registry, CacheKind.Config, id),
            async (b, ct) => new ConfigValue(await _reader.GetConfigHashAsync(registry, identity, b, ct).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
        return (true, config.Hash, Math.Max(block, configBlock));
    }

    private async Task<(T Value, ulong Block)> ReadCachedAsync<T>(CacheKey key, Func<ulong, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : notnull
    {
        (ulong block, long generation) = await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_cache.TryGetValue(key, out object? cached))
            {
                return ((T)cached, _syncedBlock ?? block);
            }
        }

        T value;
        try
        {
            value = await read(block, cancellationToken).ConfigureAwait(false);
        }
        catch (Contracts.ContractRevertException ex)
        {
            // A revert on a view call means misconfiguration (e.g. our operator lost ROLE_OPERATOR): fail closed, say why.
            throw new GovernanceUnavailableException($"Governance read reverted at block {block}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new GovernanceUnavailableException($"Governance could not be read from the chain at block {block} ({ex.GetType().Name}).", ex);
        }

        lock (_gate)
        {
            // Cache only if no sync moved the block or invalidated anything since `block` and `generation` were taken
            // (together, under the lock): the value was read at `block`.
            if (_generation == generation && _syncedBlock == block)
            {
                if (_cache.Count >= _options.MaxCacheEntries)
                {
                    _cache.Clear();
                }

                _cache[key] = value;
            }
        }

        return (value, block);
    }

    private bool TryGetNamespace(string @namespace, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OnchainNamespace? config)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return _options.Namespaces.TryGetValue(@namespace, out config);
    }

    private static GovernanceDecision Unknown(string @namespace) =>
        GovernanceDecision.Deny(GovernanceDenialReason.UnknownNamespace, $"Namespace \"{@namespace}\" is not governed onchain here.", 0);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Governance chain sync failed")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Governance chain went back from block {From} to {To}; cache cleared")]
    private static partial void LogChainRewound(ILogger logger, ulong from, ulong to);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Governance cache invalidated by {Count} chain changes")]
    private static partial void LogInvalidated(ILogger logger, int count);

    private enum CacheKind
    {
        Allowed,
        Config,
        Operator,
        AllowedForOperator,
        Application,
    }

    private readonly record struct CacheKey(EthereumAddress Contract, CacheKind Kind, string Key);

    private sealed record ConfigValue(byte[]? Hash);
}
