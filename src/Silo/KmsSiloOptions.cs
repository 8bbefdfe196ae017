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

    /// <summary>The data directory in development mode when none is configured.</summary>
    public const string DefaultDevDataDirectory = "./data";

    /// <summary>The cluster id in development mode when none is configured.</summary>
    public const string DefaultDevClusterId = "dev";

    /// <summary>The file name of the generated storage key inside the data directory in development mode.</summary>
    public const string DevStorageKeyFileName = "dev-storage.key";

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
    /// TCP port of the silo-to-silo transport (HTTP/2 on 127.0.0.1: the v1 transport has no TLS yet, so it stays on
    /// loopback), 0 for any free port. Default: <c>11111</c>.
    /// </summary>
    public int SiloPort { get; set; } = DefaultSiloPort;

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
    /// Id of the cluster this silo belongs to; silos only talk to silos with the same id. Letters, digits,
    /// <c>.</c>, <c>_</c>, <c>-</c> (at most 63). Default: <c>dev</c> in development mode; required otherwise.
    /// </summary>
    public string? ClusterId { get; set; }

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
}
