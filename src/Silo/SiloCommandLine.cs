using System.Text;

namespace Kms.Silo;

/// <summary>
/// The <c>kms-silo</c> command line: each option maps to one configuration key, so command-line values take part in
/// configuration (with the highest precedence) like every other source.
/// </summary>
public sealed class SiloCommandLine
{
    private static readonly SiloCommandLineOption[] s_options =
    [
        new("--dev", null, "Silo:Dev",
            "Development mode: one silo, file storage under ./data, dev attestation evidence. NOT SECURE. Default: off."),
        new("--urls", "<url;...>", "Silo:Urls",
            $"HTTP listen URL(s) of the API (http only; port 0 = any free port). Default: {KmsSiloOptions.DefaultUrls}"),
        new("--silo-port", "<port>", "Silo:SiloPort",
            $"Silo-to-silo port (Orleans; mutual TLS outside --dev). Default: {KmsSiloOptions.DefaultSiloPort}"),
        new("--gateway-port", "<port>", "Silo:GatewayPort",
            $"Port for Orleans clients (trusted .NET services; 0 = off). Default: {KmsSiloOptions.DefaultGatewayPort}"),
        new("--advertised-address", "<ip>", "Silo:AdvertisedAddress",
            "IP address peers use to reach this silo. Default: 127.0.0.1 with the file store, else chosen by Orleans."),
        new("--store", "<Files|AzureStorage|Postgres>", "Silo:Store:Provider",
            "Where grain state and membership live. Default: Files (one silo, under the data directory)."),
        new("--postgres", "<connection string>", "Silo:Store:Postgres:ConnectionString",
            "Npgsql connection string of the PostgreSQL store (with --store Postgres). Prefer the environment variable."),
        new("--azure-storage", "<connection string>", "Silo:Store:Azure:ConnectionString",
            "Azure Storage connection string (with --store AzureStorage); or set Silo:Store:Azure:TableServiceUri and "
            + "BlobServiceUri for a managed identity. Prefer the environment variable."),
        new("--tls-cert", "<pem>", "Silo:Tls:CertificateFile",
            "This silo's certificate (PEM), issued by the cluster CA. Required without --dev."),
        new("--tls-key", "<pem>", "Silo:Tls:KeyFile", "The certificate's private key (PEM, mode 0600). Required without --dev."),
        new("--tls-ca", "<pem>", "Silo:Tls:CaFile", "The cluster CA certificate (PEM). Required without --dev."),
        new("--data-dir", "<path>", "Silo:DataDirectory",
            $"Directory of persistent state. Default: {KmsSiloOptions.DefaultDevDataDirectory} with --dev; required otherwise."),
        new("--storage-key-file", "<path>", "Silo:StorageKeyFile",
            "32-byte state-at-rest key (raw or base64; mode 0600). Default: <data-dir>/"
            + KmsSiloOptions.DevStorageKeyFileName + " with --dev (created); required otherwise."),
        new("--sealing-key-file", "<path>", "Silo:SealingKeyFile",
            "This silo's own key that seals its share of the root key. Default: silo-sealing.key in the data directory, created if missing."),
        new("--collateral-dir", "<path>", "Silo:CollateralDirectory",
            "Attestation collateral (Intel TCB info, QE identity, CRLs; AMD VCEKs). With it, TDX quotes are accepted."),
        new("--insecure-dev-evidence-key", "<pem>", "Silo:InsecureDevEvidenceKeyFile",
            "Without --dev: accept dev evidence signed by this P-256 key and use it as this silo's evidence (local clusters without a TEE). NOT SECURE."),
        new("--collateral-refresh", null, "Silo:Collateral:Refresh",
            "Renew the collateral directory from Intel PCS and AMD KDS before nextUpdate (what: Silo:Collateral:Items). Default: off."),
        new("--cluster-id", "<id>", "Silo:ClusterId",
            $"Cluster id. Default: {KmsSiloOptions.DefaultDevClusterId} with --dev; required otherwise."),
        new("--service-id", "<id>", "Silo:ServiceId", "Service id (grain state is kept under it). Default: orleans-kms"),
        new("--silo-name", "<name>", "Silo:SiloName", "Name of this silo. Default: the machine name."),
        new("--request-onboarding", null, "Silo:Onboarding:SubmitOnStart",
            "Ask to join the committee at start-up with evidence of this silo's TEE (admins or the KMS contract approve). Default: off."),
        new("--dashboard", null, "Silo:Dashboard:Enabled",
            $"Serve the Orleans Dashboard on 127.0.0.1. Default: off."),
        new("--dashboard-port", "<port>", "Silo:Dashboard:Port", $"Dashboard port. Default: {SiloDashboardOptions.DefaultPort}"),
        new("--otlp-endpoint", "<url>", "Silo:Telemetry:OtlpEndpoint",
            "Export Orleans metrics and traces to this OTLP/HTTP collector. Default: none."),
        new("--shutdown-timeout", "<hh:mm:ss>", "Silo:ShutdownTimeout",
            "Time allowed for a graceful shutdown. Default: 00:00:30"),
    ];

    private SiloCommandLine(bool showHelp, string? configFile, IReadOnlyDictionary<string, string?> values)
    {
        ShowHelp = showHelp;
        ConfigFile = configFile;
        Values = values;
    }

    /// <summary><see langword="true"/> when <c>--help</c> was given: print <see cref="HelpText"/> and exit.</summary>
    public bool ShowHelp { get; }

    /// <summary>The JSON settings file given with <c>--config</c>, if any.</summary>
    public string? ConfigFile { get; }

    /// <summary>The configuration keys and values the options set.</summary>
    public IReadOnlyDictionary<string, string?> Values { get; }

    /// <summary>The text <c>kms-silo --help</c> prints.</summary>
    public static string HelpText { get; } = BuildHelpText();

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="SiloStartupException">An option is unknown, repeated or lacks its value.</exception>
    public static SiloCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        string? configFile = null;
        bool showHelp = false;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                showHelp = true;
                continue;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? arg : arg[..equals];
            string? inlineValue = equals < 0 ? null : arg[(equals + 1)..];

            if (name == "--config")
            {
                configFile = RequireValue(name, inlineValue, args, ref i);
                continue;
            }

            SiloCommandLineOption option = Array.Find(s_options, o => o.Name == name)
                ?? throw new SiloStartupException(
                    $"Unknown command-line argument '{Truncate(arg)}'. Run 'kms-silo --help' for the options.");

            string value = option.ValueName is null
                ? inlineValue ?? "true"
                : RequireValue(name, inlineValue, args, ref i);
            if (!values.TryAdd(option.ConfigurationKey, value))
            {
                throw new SiloStartupException($"Option '{name}' is given more than once.");
            }
        }

        return new SiloCommandLine(showHelp, configFile, values);
    }

    private static string RequireValue(string name, string? inlineValue, IReadOnlyList<string> args, ref int index)
    {
        if (inlineValue is not null)
        {
            return inlineValue;
        }

        if (index + 1 >= args.Count || args[index + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new SiloStartupException($"Option '{name}' needs a value. Run 'kms-silo --help' for the options.");
        }

        return args[++index];
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");

    private static string BuildHelpText()
    {
        var text = new StringBuilder();
        text.AppendLine("kms-silo: a silo of the Orleans.Kms key-management service (HTTP API + Microsoft Orleans silo).");
        text.AppendLine();
        text.AppendLine("Usage: kms-silo [--dev] [options]");
        text.AppendLine("       kms-silo db init [options]     apply the PostgreSQL schema of this build and exit");
        text.AppendLine();
        text.AppendLine("Options (each also settable in appsettings.json and as the environment variable shown):");
        foreach (SiloCommandLineOption option in s_options)
        {
            string usage = option.ValueName is null ? option.Name : option.Name + " " + option.ValueName;
            text.Append("  ").Append(usage.PadRight(32)).AppendLine(option.Description);
            text.Append(' ', 34).Append("config ").Append(option.ConfigurationKey)
                .Append(", env ").AppendLine(ToEnvironmentVariableName(option.ConfigurationKey));
        }

        text.Append("  ").Append("--config <file>".PadRight(32))
            .AppendLine("Extra JSON settings file, read after appsettings.json.");
        text.Append("  ").Append("-h, --help".PadRight(32)).AppendLine("Print this help and exit.");
        text.AppendLine();
        text.AppendLine("Precedence: command line > environment (KMS_ prefix, __ for nesting) > --config file > appsettings.json.");
        text.AppendLine("Without --dev, --data-dir, --storage-key-file, --cluster-id and --tls-cert/--tls-key/--tls-ca are required.");
        text.AppendLine("Stop with SIGTERM or Ctrl+C (graceful shutdown).");
        return text.ToString();
    }

    internal static string ToEnvironmentVariableName(string configurationKey) =>
        KmsSiloConfiguration.EnvironmentPrefix + configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private sealed record SiloCommandLineOption(string Name, string? ValueName, string ConfigurationKey, string Description);
}
