namespace Kms.Silo;

/// <summary>
/// Options of one KMS silo, bound from the <c>Silo</c> configuration section.
/// </summary>
/// <remarks>
/// Sources, lowest to highest precedence: <c>appsettings.json</c> next to the executable; the JSON file named by
/// <c>--config</c>; environment variables prefixed <c>KMS_</c> with <c>__</c> for nesting
/// (<c>KMS_Silo__DataDirectory</c>); the command line (<c>--data-dir</c>, see <c>kms-silo --help</c>).
/// Relative paths are resolved against the working directory at startup.
/// Outside development mode, <see cref="DataDirectory"/>, <see cref="StorageKeyFile"/> and <see cref="ClusterId"/>
/// must be set explicitly: a production silo never falls back to development defaults.
/// </remarks>
public sealed class KmsSiloOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Silo";

    /// <summary>The HTTP listen URL when none is configured.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The silo-to-silo transport port when none is configured (Orleans' default silo port).</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>The client gateway port when none is configured (Orleans' default gateway port).</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The data directory in development mode when none is configured.</summary>
    public const string DefaultDevDataDirectory = "./data";

    /// <summary>The cluster id in development mode when none is configured.</summary>
    public const string DefaultDevClusterId = "dev";

    /// <summary>The file name of the generated storage key inside the data directory in development mode.</summary>
    public const string DevStorageKeyFileName = "dev-storage.key";

    /// <summary>The file name of the silo's sealing key inside the data directory when none is configured.</summary>
    public const string SealingKeyFileName = "silo-sealing.key";

    /// <summary>
    /// In development mode: the P-256 key (PKCS#8 PEM) that signs dev attestation evidence, generated into the data
    /// directory; local workloads and tools sign their dev evidence with it.
    /// </summary>
    public const string DevEvidenceKeyFileName = "dev-evidence.key";

    /// <summary>
    /// In development mode: the admin key (P-256, PKCS#8 PEM) registered when the silo initialises its 1-of-1 cluster
    /// on first start, as admin <c>dev-admin</c>; sign admin requests with it.
    /// </summary>
    public const string DevAdminKeyFileName = "dev-admin.key";

    /// <summary>
    /// Development mode (<c>--dev</c>): one silo, file storage under <see cref="DataDirectory"/> (default
    /// <c>./data</c>), a storage key generated into the data directory, development attestation evidence accepted.
    /// NOT SECURE; the silo says so loudly on start. Default: <see langword="false"/>.
    /// </summary>
    public bool Dev { get; set; }

    /// <summary>
    /// HTTP listen URL(s) of the API, separated by <c>;</c>. Plain <c>http</c> only (terminate TLS in front of the
    /// silo); port 0 picks a free port. Default: <c>http://127.0.0.1:8080</c>.
    /// </summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// TCP port of Orleans' silo-to-silo connections (mutual TLS outside development mode); 0 picks a free port at
    /// start (one silo only: peers must know the port). Default: <c>11111</c>.
    /// </summary>
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>
    /// TCP port on which trusted .NET services connect as Orleans clients (same TLS as the silo port); 0 turns the
    /// gateway off. Default: <c>30000</c>.
    /// </summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>
    /// The IP address other silos and clients use to reach this silo. Default: <c>127.0.0.1</c> with the file store
    /// (one machine); with a shared store, the address Orleans picks (the machine's first non-loopback address).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Directory that holds the silo's persistent state (grain storage). Default: <c>./data</c> in development mode;
    /// required otherwise.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// File with the 32-byte key that encrypts and authenticates state at rest: 32 raw bytes or their base64 text
    /// (e.g. <c>openssl rand -out silo.key 32</c>). It must not be readable by group or others. Default in
    /// development mode: <c>dev-storage.key</c> in <see cref="DataDirectory"/>, created if missing; required otherwise.
    /// </summary>
    public string? StorageKeyFile { get; set; }

    /// <summary>
    /// File with this silo's own 32-byte sealing key (same format and permission rules as
    /// <see cref="StorageKeyFile"/>). It seals the silo's share of the root key, so that the store and the cluster
    /// storage key together still reveal no share; every silo has its own and never shares it. Default:
    /// <c>silo-sealing.key</c> in <see cref="DataDirectory"/>, created if missing.
    /// </summary>
    public string? SealingKeyFile { get; set; }

    /// <summary>
    /// Outside development mode: accept development attestation evidence (TEE type <c>dev</c>) signed by this P-256 key
    /// (PKCS#8 PEM, mode 0600), and give evidence signed by it as this silo's own. It lets a multi-silo cluster run on
    /// machines without a TEE (<c>infra/local/cluster.sh</c>): NOT SECURE — whoever holds the key passes attestation, so
    /// the silo says so loudly on start. Default: none (dev evidence only with <see cref="Dev"/>).
    /// </summary>
    public string? InsecureDevEvidenceKeyFile { get; set; }

    /// <summary>Whether this silo accepts dev evidence: in development mode, or with <see cref="InsecureDevEvidenceKeyFile"/>.</summary>
    public bool AcceptsDevEvidence => Dev || InsecureDevEvidenceKeyFile is not null;

    /// <summary>The file of the dev evidence key: <see cref="InsecureDevEvidenceKeyFile"/>, else in development mode
    /// <c>dev-evidence.key</c> in the data directory.</summary>
    internal string DevEvidenceKeyPath => InsecureDevEvidenceKeyFile ?? Path.Combine(DataDirectory!, DevEvidenceKeyFileName);

    /// <summary>
    /// Directory of attestation collateral (Intel TCB info, QE identity, CRLs; AMD VCEKs; MAA JWKS) in the layout of
    /// the collateral cache. With it, TDX quotes are accepted; SEV-SNP and Azure confidential-VM evidence is accepted
    /// either way (their certificates travel with the evidence). Default: none.
    /// </summary>
    public string? CollateralDirectory { get; set; }

    /// <summary>
    /// Id of the cluster this silo belongs to; silos only talk to silos with the same id. Letters, digits,
    /// <c>.</c>, <c>_</c>, <c>-</c> (at most 63). Default: <c>dev</c> in development mode; required otherwise.
    /// </summary>
    public string? ClusterId { get; set; }

    /// <summary>
    /// Id of the service: grain state is stored under it, so it stays the same across deployments (a new
    /// <see cref="ClusterId"/> keeps the data of the same service id). Same character rules as
    /// <see cref="ClusterId"/>. Default: <c>orleans-kms</c>.
    /// </summary>
    public string ServiceId { get; set; } = Kms.Client.Cluster.KmsClusterClientOptions.DefaultServiceId;

    /// <summary>
    /// Name of this silo within the cluster (same character rules as <see cref="ClusterId"/>).
    /// Default: the machine name.
    /// </summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// How long a graceful shutdown (SIGTERM, Ctrl+C) may take to finish requests and deactivate grains before the
    /// silo stops anyway. Between 1 second and 10 minutes. Default: 30 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where grain state and cluster membership live. Default: files under <see cref="DataDirectory"/>.</summary>
    public SiloStoreOptions Store { get; set; } = new();

    /// <summary>
    /// The silo's certificate and key and the cluster CA for mutual TLS between silos and with clients. Required
    /// outside development mode; in development mode the silo talks plaintext on loopback unless they are given.
    /// </summary>
    public Kms.Client.Cluster.ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>Failure detection: how fast a dead or frozen silo is declared dead.</summary>
    public SiloMembershipOptions Membership { get; set; } = new();

    /// <summary>The Orleans Dashboard (off by default; on loopback when on).</summary>
    public SiloDashboardOptions Dashboard { get; set; } = new();

    /// <summary>Export of Orleans' metrics and traces with OpenTelemetry (off by default).</summary>
    public SiloTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>How the KMS grains behave: share refresh, challenges, clone detection, certificates.</summary>
    public Kms.Grains.Hosting.KmsGrainOptions Grains { get; set; } = new();

    /// <summary>Background renewal of the attestation collateral directory.</summary>
    public SiloCollateralOptions Collateral { get; set; } = new();

    /// <summary>How this silo asks to join the committee of root-key holders.</summary>
    public Onboarding.SiloOnboardingOptions Onboarding { get; set; } = new();
}
