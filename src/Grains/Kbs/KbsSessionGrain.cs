using Kms.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Kbs;

/// <summary>
/// Implements <see cref="IKbsSessionGrain"/>. The session is memory of this activation only, kept active until it
/// expires: a session is minutes long, and a workload whose session is lost with its silo starts over with
/// <c>/auth</c>. The steps only go forward — started, challenge taken, authorized, released — so each challenge is
/// attested at most once and each session releases at most once.
/// </summary>
internal sealed class KbsSessionGrain(IOptions<KmsGrainOptions> options, TimeProvider time) : Grain, IKbsSessionGrain
{
    private KbsSessionStart? _start;
    private DateTimeOffset _expiresAt;
    private bool _challengeTaken;
    private KbsAuthorization? _authorization;
    private bool _released;

    public Task<DateTimeOffset> StartAsync(KbsSessionStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!KbsNames.IsValidSessionId(this.GetPrimaryKeyString()))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A session id is 32 lowercase hex characters.");
        }

        if (_start is not null)
        {
            throw new KmsException(KmsErrorKind.Conflict, "The session exists.");
        }

        TimeSpan lifetime = options.Value.Kbs.SessionLifetime;
        _start = start;
        _expiresAt = time.GetUtcNow() + lifetime;
        DelayDeactivation(lifetime);
        return Task.FromResult(_expiresAt);
    }

    public Task<KbsSessionStart> TakeChallengeAsync(CancellationToken cancellationToken)
    {
        KbsSessionStart start = RequireLive();
        if (_challengeTaken)
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid session: its challenge was already used; start a new session with /auth.");
        }

        _challengeTaken = true;
        return Task.FromResult(start);
    }

    public Task AuthorizeAsync(KbsAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        KbsSessionStart start = RequireLive();
        if (!_challengeTaken || _authorization is not null || !string.Equals(start.WorkloadId, authorization.WorkloadId, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid session: it is not waiting for this attestation.");
        }

        _authorization = authorization;
        return Task.CompletedTask;
    }

    public Task<KbsAuthorization> TakeReleaseAsync(string keyId, CancellationToken cancellationToken)
    {
        KbsSessionStart start = RequireLive();
        if (_authorization is null)
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid session: it has not been attested.");
        }

        if (_released)
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid session: its key was already released; start a new session with /auth.");
        }

        if (!string.Equals(keyId, start.WorkloadId, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, $"The session is bound to the key of workload '{start.WorkloadId}'; it releases no other key.");
        }

        // Kept until it expires, so that a second call is told why rather than that the session is unknown.
        _released = true;
        return Task.FromResult(_authorization);
    }

    private KbsSessionStart RequireLive()
    {
        if (_start is null)
        {
            // A cookie naming no session reaches a fresh activation: do not keep it.
            DeactivateOnIdle();
            throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid cookie: no such session.");
        }

        if (time.GetUtcNow() >= _expiresAt)
        {
            throw new KmsException(KmsErrorKind.Unauthenticated, "Invalid session: it expired; start a new session with /auth.");
        }

        return _start;
    }
}
