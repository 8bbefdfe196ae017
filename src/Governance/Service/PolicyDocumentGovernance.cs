using Kms.Governance.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Governance.Service;

/// <summary>
/// Governance by threshold-signed policy documents. Updates are accepted only through <see cref="PolicyVerifier"/>
/// (threshold of configured signers, serial strictly increasing) and persisted with a serial-checked write; the
/// envelope read back from the store is verified again, so a tampered store cannot widen access. The highest serial
/// this instance has seen per namespace is remembered: a store that goes back to an older (validly signed) policy is a
/// rollback and fails closed, and a slow load never replaces a newer policy in the cache.
/// </summary>
public sealed partial class PolicyDocumentGovernance : INamespaceGovernance
{
    private readonly PolicyVerifier _verifier;
    private readonly IPolicyStore _store;
    private readonly TimeProvider _time;
    private readonly PolicyDocumentGovernanceOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, CachedPolicy> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _highestSerials = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the service.</summary>
    public PolicyDocumentGovernance(
        PolicyVerifier verifier,
        IPolicyStore store,
        TimeProvider timeProvider,
        PolicyDocumentGovernanceOptions? options = null,
        ILogger<PolicyDocumentGovernance>? logger = null)
    {
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? new PolicyDocumentGovernanceOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Verifies a signed envelope for <paramref name="namespace"/> against the policy in force and, when accepted,
    /// stores it. A concurrent update that won the race makes this one fail with <see cref="PolicyRejectionReason.SerialNotIncreasing"/>.
    /// </summary>
    /// <exception cref="GovernanceUnavailableException">The store cannot be read or written.</exception>
    public async Task<PolicyVerificationResult> ApplyAsync(string @namespace, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        NamespacePolicy? current = await LoadVerifiedAsync(@namespace, cancellationToken).ConfigureAwait(false);
        PolicyVerificationResult result = _verifier.Verify(envelope.Span, @namespace, current?.Serial);
        if (!result.IsAccepted)
        {
            LogRejected(_logger, @namespace, result.Reason, result.Message);
            return result;
        }

        bool stored;
        try
        {
            stored = await _store.TryReplaceAsync(@namespace, current?.Serial, new StoredPolicy(result.Policy!.Serial, envelope.ToArray()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new GovernanceUnavailableException($"The policy store could not be written for namespace \"{@namespace}\".", ex);
        }

        if (!stored)
        {
            Invalidate(@namespace);
            return result with
            {
                IsAccepted = false,
                Reason = PolicyRejectionReason.SerialNotIncreasing,
                Policy = null,
                Message = $"Another policy update for namespace \"{@namespace}\" was stored concurrently; serial {result.Policy.Serial} is not applied.",
            };
        }

        Remember(@namespace, result.Policy);
        LogApplied(_logger, @namespace, result.Policy.Serial, result.ValidSigners.Count);
        return result;
    }

    /// <summary>The verified policy in force, or <see langword="null"/> when the namespace has none.</summary>
    /// <exception cref="GovernanceUnavailableException">The store cannot be read or holds an envelope that fails verification.</exception>
    public async ValueTask<NamespacePolicy?> GetPolicyAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        lock (_gate)
        {
            if (_cache.TryGetValue(@namespace, out CachedPolicy? cached) && _time.GetUtcNow() - cached.LoadedAt < _options.RefreshInterval)
            {
                return cached.Policy;
            }
        }

        NamespacePolicy? policy = await LoadVerifiedAsync(@namespace, cancellationToken).ConfigureAwait(false);
        return policy is null ? null : Remember(@namespace, policy);
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckIdentityAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default)
    {
        NamespacePolicy? policy = await GetPolicyAsync(@namespace, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return NoPolicy(@namespace);
        }

        return EvaluateIdentity(policy, identity, _time.GetUtcNow());
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckOperatorAsync(string @namespace, string operatorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operatorId);
        NamespacePolicy? policy = await GetPolicyAsync(@namespace, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return NoPolicy(@namespace);
        }

        // Ethereum addresses may arrive checksummed or lowercase; every other operator id is compared exactly.
        bool isAddress = operatorId.Length == 42 && operatorId.StartsWith("0x", StringComparison.Ordinal);
        StringComparison comparison = isAddress ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return policy.Operators.Any(o => string.Equals(o, operatorId, comparison))
            ? GovernanceDecision.Allow($"{operatorId} is an operator of \"{@namespace}\".", (ulong)policy.Serial)
            : GovernanceDecision.Deny(GovernanceDenialReason.NotOperator, $"{operatorId} is not an operator of \"{@namespace}\".", (ulong)policy.Serial);
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckKeyAccessAsync(string @namespace, WorkloadIdentity identity, string keyName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        NamespacePolicy? policy = await GetPolicyAsync(@namespace, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return NoPolicy(@namespace);
        }

        GovernanceDecision admitted = EvaluateIdentity(policy, identity, _time.GetUtcNow());
        if (!admitted.IsAllowed)
        {
            return admitted;
        }

        return policy.IsKeyAccessListed(identity, keyName)
            ? GovernanceDecision.Allow($"Identity {identity} may query key \"{keyName}\".", (ulong)policy.Serial)
            : GovernanceDecision.Deny(GovernanceDenialReason.KeyNotGranted, $"Identity {identity} is not granted key \"{keyName}\".", (ulong)policy.Serial);
    }

    /// <inheritdoc/>
    public async ValueTask<GovernanceDecision> CheckReplicationAsync(string @namespace, WorkloadIdentity identity, CancellationToken cancellationToken = default)
    {
        NamespacePolicy? policy = await GetPolicyAsync(@namespace, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return NoPolicy(@namespace);
        }

        return policy.IsReplicationListed(identity)
            ? GovernanceDecision.Allow($"Identity {identity} may replicate \"{@namespace}\".", (ulong)policy.Serial)
            : GovernanceDecision.Deny(GovernanceDenialReason.ReplicationNotGranted, $"Identity {identity} may not replicate \"{@namespace}\".", (ulong)policy.Serial);
    }

    private static GovernanceDecision EvaluateIdentity(NamespacePolicy policy, WorkloadIdentity identity, DateTimeOffset now)
    {
        ulong serial = (ulong)policy.Serial;
        AllowedIdentity? entry = policy.FindIdentity(identity);
        if (entry is null)
        {
            return GovernanceDecision.Deny(GovernanceDenialReason.IdentityNotAllowed, $"Identity {identity} is not admitted to \"{policy.Namespace}\".", serial);
        }

        if (!entry.IsValidAt(now))
        {
            return GovernanceDecision.Deny(
                GovernanceDenialReason.IdentityExpired,
                $"Identity {identity} was admitted to \"{policy.Namespace}\" until {entry.NotAfter!.Value:O}.",
                serial);
        }

        return GovernanceDecision.Allow($"Identity {identity} is admitted to \"{policy.Namespace}\".", serial, entry.ConfigHash);
    }

    private static GovernanceDecision NoPolicy(string @namespace) =>
        GovernanceDecision.Deny(GovernanceDenialReason.UnknownNamespace, $"Namespace \"{@namespace}\" has no policy.", 0);

    private async Task<NamespacePolicy?> LoadVerifiedAsync(string @namespace, CancellationToken cancellationToken)
    {
        StoredPolicy? stored;
        try
        {
            stored = await _store.LoadAsync(@namespace, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new GovernanceUnavailableException($"The policy store could not be read for namespace \"{@namespace}\".", ex);
        }

        if (stored is null)
        {
            Invalidate(@namespace);
            return null;
        }

        lock (_gate)
        {
            if (_highestSerials.TryGetValue(@namespace, out long highest) && stored.Serial < highest)
            {
                LogStoredPolicyRolledBack(_logger, @namespace, stored.Serial, highest);
                throw new GovernanceUnavailableException(
                    $"The stored policy of namespace \"{@namespace}\" has serial {stored.Serial}, older than serial {highest} already in force; refusing to answer.");
            }

            // Same serial as the policy already verified: the stored envelope cannot differ without a new serial,
            // because the store only accepts serial-checked replacements; skip re-verifying the signatures.
            if (_cache.TryGetValue(@namespace, out CachedPolicy? cached) && cached.Policy.Serial == stored.Serial)
            {
                return cached.Policy;
            }
        }

        PolicyVerificationResult result = _verifier.Verify(stored.Envelope, @namespace, currentSerial: null);
        if (!result.IsAccepted || result.Policy!.Serial != stored.Serial)
        {
            LogStoredPolicyInvalid(_logger, @namespace, result.Message);
            throw new GovernanceUnavailableException(
                $"The stored policy of namespace \"{@namespace}\" fails verification ({result.Reason?.ToString() ?? "serial mismatch"}); refusing to answer.");
        }

        return result.Policy;
    }

    /// <summary>
    /// Caches <paramref name="policy"/> unless a newer one is cached already (a concurrent update), raises the
    /// namespace's highest serial, and returns the policy now in force.
    /// </summary>
    private NamespacePolicy Remember(string @namespace, NamespacePolicy policy)
    {
        lock (_gate)
        {
            if (!_highestSerials.TryGetValue(@namespace, out long highest) || policy.Serial > highest)
            {
                _highestSerials[@namespace] = policy.Serial;
            }

            if (_cache.TryGetValue(@namespace, out CachedPolicy? cached) && cached.Policy.Serial > policy.Serial)
            {
                return cached.Policy;
            }

            _cache[@namespace] = new CachedPolicy(policy, _time.GetUtcNow());
            return policy;
        }
    }

    private void Invalidate(string @namespace)
    {
        lock (_gate)
        {
            _cache.Remove(@namespace);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Applied policy serial {Serial} to namespace {Namespace} ({Signers} signers)")]
    private static partial void LogApplied(ILogger logger, string @namespace, long serial, int signers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Rejected policy update for namespace {Namespace}: {Reason}: {Detail}")]
    private static partial void LogRejected(ILogger logger, string @namespace, PolicyRejectionReason? reason, string detail);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Stored policy of namespace {Namespace} fails verification: {Detail}")]
    private static partial void LogStoredPolicyInvalid(ILogger logger, string @namespace, string detail);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Stored policy of namespace {Namespace} went back to serial {Serial} from {Highest}: rollback refused")]
    private static partial void LogStoredPolicyRolledBack(ILogger logger, string @namespace, long serial, long highest);

    private sealed record CachedPolicy(NamespacePolicy Policy, DateTimeOffset LoadedAt);
}
