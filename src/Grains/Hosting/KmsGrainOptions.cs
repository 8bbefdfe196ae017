namespace Kms.Grains.Hosting;

/// <summary>How the KMS grains behave; bound from <c>Kms:Grains</c> by the silo.</summary>
public sealed class KmsGrainOptions
{
    /// <summary>
    /// How often the root-key shares are refreshed (new shares of the same key, new epoch) by an Orleans reminder.
    /// Default: <see langword="null"/>, no scheduled refresh (refresh on demand with <c>POST /v1/cluster/refresh</c>).
    /// At least one minute (the reminder service's floor).
    /// </summary>
    public TimeSpan? ShareRefreshInterval { get; set; }

    /// <summary>How long a call to one key-share grain may take before that holder counts as unavailable. Default: 5 s.</summary>
    public TimeSpan ShareCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an attestation challenge stays valid. Default: 60 s (as tee-guardian).</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most challenges one identity may have outstanding; more are refused until some expire. Default: 1024.</summary>
    public int MaxPendingChallenges { get; set; } = 1024;

    /// <summary>
    /// How long an instance id stays bound to the recipient key it last used: another key under the same instance
    /// id within this window is a clone. Default: 15 minutes.
    /// </summary>
    public TimeSpan CloneWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How soon the release record of an instance already known (count, latest releases, last seen) is written after a
    /// release; a new instance, a new key, a clone flag and a revocation are written before the call returns.
    /// Default: 1 s.
    /// </summary>
    public TimeSpan ReleaseRecordFlushDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many of its latest releases an identity's record keeps (the count of all is kept). Default: 100.</summary>
    public int ReleaseRecordsKept { get; set; } = 100;

    /// <summary>How many instances an identity's record keeps (least recently seen dropped first). Default: 1000.</summary>
    public int InstancesKept { get; set; } = 1000;

    /// <summary>
    /// How long an onboarding request may wait for approval; after that it is expired and the silo submits a new one
    /// (fresh evidence). Default: 24 hours (the Go system's Shamir bootstrap timeout).
    /// </summary>
    public TimeSpan OnboardingRequestLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The most entries (admitted or revoked) one namespace's measurement registry holds; more are refused (409). The
    /// registry is part of the namespace state, which every change rewrites. Default: 10,000.
    /// </summary>
    public int MaxMeasurements { get; set; } = 10_000;

    /// <summary>Validity of certificates issued to workloads. Default: 30 days.</summary>
    public TimeSpan CertificateValidity { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The reference-KBS front end: session lifetime, RSA padding. Default: see <see cref="Kbs.KbsOptions"/>.</summary>
    public Kbs.KbsOptions Kbs { get; set; } = new();

    /// <summary>The Ethereum node onchain namespaces are governed through. Default: none (no onchain namespaces).</summary>
    public GovernanceChainOptions Governance { get; set; } = new();

    /// <summary>The Go TEE registry front end (<c>/api/attested/*</c>, <c>/api/public/pki</c>).</summary>
    public RegistryFrontEndOptions Registry { get; set; } = new();

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (ShareRefreshInterval is { } interval && interval < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ShareRefreshInterval), "The share refresh interval must be at least one minute.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ShareCallTimeout, TimeSpan.Zero, nameof(ShareCallTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ChallengeLifetime, TimeSpan.Zero, nameof(ChallengeLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingChallenges, 1, nameof(MaxPendingChallenges));
        ArgumentOutOfRangeException.ThrowIfLessThan(CloneWindow, TimeSpan.Zero, nameof(CloneWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReleaseRecordsKept, 0, nameof(ReleaseRecordsKept));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReleaseRecordFlushDelay, TimeSpan.Zero, nameof(ReleaseRecordFlushDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(InstancesKept, 1, nameof(InstancesKept));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CertificateValidity, TimeSpan.Zero, nameof(CertificateValidity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OnboardingRequestLifetime, TimeSpan.Zero, nameof(OnboardingRequestLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMeasurements, 1, nameof(MaxMeasurements));
        ArgumentNullException.ThrowIfNull(Kbs, nameof(Kbs));
        Kbs.Validate();
        ArgumentNullException.ThrowIfNull(Governance, nameof(Governance));
        Governance.Validate();
        ArgumentNullException.ThrowIfNull(Registry, nameof(Registry));
        Registry.Validate();
    }
}
