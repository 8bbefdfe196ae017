namespace Kms.Grains.Kbs;

/// <summary>
/// A reference-KBS workload (key: its <c>workload_id</c>): registers its launch measurement and its secret in the
/// workload's own registry namespace <c>kbs.&lt;workload_id&gt;</c> (measurement registry, namespace secret
/// "passphrase"). One activation per workload serialises its registrations.
/// </summary>
[Alias("Kms.Grains.Kbs.IKbsWorkloadGrain")]
public interface IKbsWorkloadGrain : IGrainWithStringKey
{
    /// <summary>Creates the namespace if needed, admits the measurement (revoking the one registered before) and sets a
    /// new version of the secret.</summary>
    /// <exception cref="KmsException">Malformed registration (<see cref="KmsErrorKind.MalformedInput"/>); storage or
    /// key shares down (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("Register")]
    Task<KbsWorkloadInfo> RegisterAsync(KbsWorkloadRegistration registration, string admin, CancellationToken cancellationToken = default);
}

/// <summary>
/// One KBS session (key: the session id, 32 lowercase hex, which is also its nonce). Lives in memory of its activation,
/// which stays active until the session expires, so any silo serves the next call of the session.
/// </summary>
[Alias("Kms.Grains.Kbs.IKbsSessionGrain")]
public interface IKbsSessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session; refused when it exists.</summary>
    [Alias("Start")]
    Task<DateTimeOffset> StartAsync(KbsSessionStart start, CancellationToken cancellationToken = default);

    /// <summary>Takes the challenge for the one attestation the session allows: a second call, an expired or unknown
    /// session are refused (<see cref="KmsErrorKind.Unauthenticated"/>).</summary>
    [Alias("TakeChallenge")]
    Task<KbsSessionStart> TakeChallengeAsync(CancellationToken cancellationToken = default);

    /// <summary>Records the attested TEE key and the workload the evidence showed; the session may then release once.</summary>
    [Alias("Authorize")]
    Task AuthorizeAsync(KbsAuthorization authorization, CancellationToken cancellationToken = default);

    /// <summary>Takes the authorization for one release of <paramref name="keyId"/>; the session ends with it.</summary>
    /// <exception cref="KmsException">No session, not attested or expired (<see cref="KmsErrorKind.Unauthenticated"/>);
    /// <paramref name="keyId"/> is not the session's workload key (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    [Alias("TakeRelease")]
    Task<KbsAuthorization> TakeReleaseAsync(string keyId, CancellationToken cancellationToken = default);
}

/// <summary>
/// The CPU-bound half of the KBS protocol, on the silo that received the request (a stateless worker): starts
/// sessions, verifies evidence against the session nonce and TEE key, seals the workload secret to that key.
/// </summary>
[Alias("Kms.Grains.Kbs.IKbsBrokerGrain")]
public interface IKbsBrokerGrain : IGrainWithIntegerKey
{
    /// <summary>Starts a session (<c>/auth</c>).</summary>
    [Alias("Auth")]
    Task<KbsChallenge> AuthAsync(KbsAuthRequest request, CancellationToken cancellationToken = default);

    /// <summary>Verifies the session's one attestation (<c>/attest</c>).</summary>
    [Alias("Attest")]
    Task AttestAsync(string sessionId, KbsAttestation attestation, CancellationToken cancellationToken = default);

    /// <summary>Releases the workload secret sealed to the attested TEE key (<c>/key/{id}</c>).</summary>
    [Alias("ReleaseKey")]
    Task<KbsSealedSecret> ReleaseKeyAsync(string sessionId, string keyId, CancellationToken cancellationToken = default);
}
