using System.Security.Cryptography;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Workloads;

/// <summary>
/// Implements <see cref="IWorkloadIdentityGrain"/>. Challenges live in memory only (they expire within a minute; if
/// the activation moves, the workload asks again). What clone detection and revocation rely on — a new instance, the
/// key an instance is bound to, a clone flag, a revocation — is written before the call returns; the release record
/// (count, latest releases, last seen) of an instance already known is written within
/// <see cref="KmsGrainOptions.ReleaseRecordFlushDelay"/>, so that an image's thousands of instances do not queue every
/// release behind a durable write of this one grain.
/// </summary>
internal sealed partial class WorkloadIdentityGrain(
    [PersistentState("identity", GrainStorageNames.Kms)] IPersistentState<WorkloadIdentityState> state,
    IOptions<KmsGrainOptions> options,
    TimeProvider time,
    ILogger<WorkloadIdentityGrain> logger) : Grain, IWorkloadIdentityGrain
{
    private readonly Dictionary<string, PendingChallenge> _challenges = new(StringComparer.Ordinal);
    private IGrainTimer? _flush;

    private WorkloadIdentityState S => state.State;

    private KmsGrainOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        WorkloadIdentityKey.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<IssuedChallenge> IssueChallengeAsync(byte[] instanceId, CancellationToken cancellationToken)
    {
        RequireNonce(instanceId, "instance id");
        RequireNotRevoked();
        DateTimeOffset now = time.GetUtcNow();
        foreach (string expired in _challenges.Where(c => c.Value.ExpiresAt <= now).Select(c => c.Key).ToArray())
        {
            _challenges.Remove(expired);
        }

        if (_challenges.Count >= Options.MaxPendingChallenges)
        {
            throw new KmsException(KmsErrorKind.Unavailable, "Too many challenges are outstanding for this identity; retry when some have expired.");
        }

        byte[] challenge = RandomNumberGenerator.GetBytes(32);
        DateTimeOffset expiresAt = now + Options.ChallengeLifetime;
        _challenges[Convert.ToHexStringLower(challenge)] = new PendingChallenge(Convert.ToHexStringLower(instanceId), expiresAt);
        return Task.FromResult(new IssuedChallenge(challenge, expiresAt));
    }

    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireNonce(request.Challenge, "challenge");
        RequireNonce(request.InstanceId, "instance id");
        RequireNotRevoked();
        DateTimeOffset now = time.GetUtcNow();
        string instanceId = Convert.ToHexStringLower(request.InstanceId);
        ConsumeChallenge(Convert.ToHexStringLower(request.Challenge), instanceId, now);

        bool mustPersist = false;
        if (S.Instances.TryGetValue(instanceId, out InstanceState? instance))
        {
            if (instance.CloneSuspected)
            {
                throw new KmsException(KmsErrorKind.PolicyDenied, $"Instance {instanceId} is flagged as a suspected clone; nothing is released to it.");
            }

            bool live = now - instance.LastSeen <= Options.CloneWindow;
            if (live && !CryptographicOperations.FixedTimeEquals(instance.RecipientKeyHash, request.RecipientKeyHash))
            {
                instance.CloneSuspected = true;
                await WriteAsync(cancellationToken);
                LogCloneSuspected(logger, this.GetPrimaryKeyString(), instanceId);
                throw new KmsException(
                    KmsErrorKind.PolicyDenied,
                    $"Instance {instanceId} is live under another key: a second instance presents its id (a clone); both are flagged.");
            }
        }
        else
        {
            instance = new InstanceState { FirstSeen = now };
            S.Instances[instanceId] = instance;
            DropLeastRecentInstances();
        }

        mustPersist = !CryptographicOperations.FixedTimeEquals(instance.RecipientKeyHash, request.RecipientKeyHash);
        instance.LastSeen = now;
        instance.RecipientKeyHash = request.RecipientKeyHash;
        S.Releases++;
        S.RecentReleases.Add(new ReleaseRecord(now, instanceId, request.Kind, request.Detail));
        if (S.RecentReleases.Count > Options.ReleaseRecordsKept)
        {
            S.RecentReleases.RemoveRange(0, S.RecentReleases.Count - Options.ReleaseRecordsKept);
        }

        if (mustPersist)
        {
            await WriteAsync(cancellationToken);
        }
        else
        {
            _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(Options.ReleaseRecordFlushDelay, Timeout.InfiniteTimeSpan));
        }
    }

    public Task<IssuedChallenge> IssueEnrollmentChallengeAsync(byte[] instanceId, CancellationToken cancellationToken)
    {
        RequireNonce(instanceId, "instance id");
        RequireNotRevoked();
        string instance = Convert.ToHexStringLower(instanceId);
        if (S.Instances.ContainsKey(instance))
        {
            throw new KmsException(KmsErrorKind.Conflict, $"Instance {instance} is already registered under this identity; a second instance presenting its id is refused.");
        }

        DateTimeOffset now = time.GetUtcNow();
        foreach ((string challenge, PendingChallenge pending) in _challenges)
        {
            if (pending.ExpiresAt > now && string.Equals(pending.InstanceId, instance, StringComparison.Ordinal))
            {
                return Task.FromResult(new IssuedChallenge(Convert.FromHexString(challenge), pending.ExpiresAt));
            }
        }

        return IssueChallengeAsync(instanceId, cancellationToken);
    }

    public Task CompleteEnrollmentAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireNonce(request.Challenge, "challenge");
        if (!_challenges.ContainsKey(Convert.ToHexStringLower(request.Challenge)))
        {
            throw new KmsException(KmsErrorKind.NotFound, "No pending challenge: register first (or again; a challenge is used once).");
        }

        return AdmitAsync(request, cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_flush is not null)
        {
            await WriteAsync(cancellationToken);
        }
    }

    public async Task<WorkloadIdentityStatus> RevokeAsync(string admin, CancellationToken cancellationToken)
    {
        if (S.RevokedAt is null)
        {
            S.RevokedAt = time.GetUtcNow();
            S.RevokedBy = admin;
            await WriteAsync(cancellationToken);
            _challenges.Clear();
            LogRevoked(logger, this.GetPrimaryKeyString(), admin);
        }

        return Status();
    }

    public Task<WorkloadIdentityStatus> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(Status());

    // Not under the timer's token: WriteAsync disposes the timer first, which cancels that token; a write cancelled that
    // way deactivated the grain and lost every challenge it had issued.
    private Task FlushAsync(CancellationToken cancellationToken) => _flush is null ? Task.CompletedTask : WriteAsync(CancellationToken.None);

    /// <summary>Writes the whole record (one ETag-checked write), which also carries any release not yet written.</summary>
    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        _flush = null;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
    }

    private void ConsumeChallenge(string challenge, string instanceId, DateTimeOffset now)
    {
        if (!_challenges.Remove(challenge, out PendingChallenge? pending))
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "The challenge is unknown or was already used; ask for a new one.");
        }

        if (pending.ExpiresAt <= now)
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "The challenge has expired; ask for a new one.");
        }

        if (!string.Equals(pending.InstanceId, instanceId, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "The challenge was issued to another instance id.");
        }
    }

    private void DropLeastRecentInstances()
    {
        int excess = S.Instances.Count - Options.InstancesKept;
        if (excess > 0)
        {
            // A flagged clone is kept: forgetting it would let the clone in again.
            foreach (string id in S.Instances.Where(i => !i.Value.CloneSuspected).OrderBy(i => i.Value.LastSeen).Take(excess).Select(i => i.Key).ToArray())
            {
                S.Instances.Remove(id);
            }
        }
    }

    private void RequireNotRevoked()
    {
        if (S.RevokedAt is { } revokedAt)
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, $"The workload identity was revoked at {revokedAt:O}.");
        }
    }

    private static void RequireNonce(byte[]? value, string what)
    {
        if (value is not { Length: 32 })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The {what} must be 32 bytes.");
        }
    }

    private WorkloadIdentityStatus Status()
    {
        WorkloadIdentityKey key = WorkloadIdentityKey.Parse(this.GetPrimaryKeyString());
        return new WorkloadIdentityStatus(
            key.Namespace,
            key.Identity,
            S.RevokedAt,
            S.Instances.Select(i => new InstanceRecord(i.Key, i.Value.FirstSeen, i.Value.LastSeen, i.Value.CloneSuspected)).ToArray(),
            S.RecentReleases.ToArray(),
            S.Releases);
    }

    private sealed record PendingChallenge(string InstanceId, DateTimeOffset ExpiresAt);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Workload {Identity}: instance {InstanceId} presented by two live instances; flagged as a clone.")]
    private static partial void LogCloneSuspected(ILogger logger, string identity, string instanceId);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Workload {Identity} revoked by admin {Admin}.")]
    private static partial void LogRevoked(ILogger logger, string identity, string admin);
}

/// <summary>The key of a workload-identity grain: <c>"&lt;namespace&gt;/&lt;identity hex&gt;"</c>.</summary>
public readonly record struct WorkloadIdentityKey(string Namespace, string Identity)
{
    /// <summary>Builds the key.</summary>
    /// <exception cref="KmsException">The namespace or identity is malformed.</exception>
    public static string Create(string @namespace, string identity)
    {
        if (!NamespaceNames.IsValidNamespace(@namespace) || !NamespaceNames.IsValidIdentity(identity))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A workload identity is named by a namespace id and 64 lowercase hex characters.");
        }

        return @namespace + "/" + identity;
    }

    /// <summary>Parses the key.</summary>
    /// <exception cref="InvalidOperationException">It is not a workload-identity key.</exception>
    public static WorkloadIdentityKey Parse(string key)
    {
        int slash = key.LastIndexOf('/');
        if (slash <= 0 || !NamespaceNames.IsValidNamespace(key[..slash]) || !NamespaceNames.IsValidIdentity(key[(slash + 1)..]))
        {
            throw new InvalidOperationException($"'{key}' is not a workload-identity key ('<namespace>/<identity hex>').");
        }

        return new WorkloadIdentityKey(key[..slash], key[(slash + 1)..]);
    }
}
