using Kms.Client.Cluster.Azure;
using System.Net;
using System.Text.RegularExpressions;
using Kms.Client.Cluster;
using Kms.Silo.Providers.Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kms.Silo;

/// <summary>
/// Checks <see cref="KmsSiloOptions"/> after defaults are applied. Every message names the setting and how to set it.
/// </summary>
public sealed partial class KmsSiloOptionsValidator : IValidateOptions<KmsSiloOptions>
{
    private static readonly TimeSpan s_maxShutdownTimeout = TimeSpan.FromMinutes(10);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, KmsSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        ValidateUrls(options.Urls, failures);

        ValidatePort(options.SiloPort, "SiloPort", "--silo-port", failures);
        ValidatePort(options.GatewayPort, "GatewayPort", "--gateway-port", failures);
        if (options.AdvertisedAddress is not null && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"{Describe("AdvertisedAddress", "--advertised-address")} must be an IP address, " +
                $"not '{options.AdvertisedAddress}'.");
        }

        RequireOutsideDev(options, options.DataDirectory, "DataDirectory", "--data-dir", failures);
        RequireOutsideDev(options, options.StorageKeyFile, "StorageKeyFile", "--storage-key-file", failures);
        RequireOutsideDev(options, options.ClusterId, "ClusterId", "--cluster-id", failures);

        ValidateName(options.ClusterId, "ClusterId", "--cluster-id", failures);
        ValidateName(options.ServiceId, "ServiceId", "--service-id", failures);
        ValidateName(options.SiloName, "SiloName", "--silo-name", failures);
        if (options.SiloName is null)
        {
            failures.Add($"{Describe("SiloName", "--silo-name")} is required: the machine name is not available.");
        }

        if (options.ShutdownTimeout < TimeSpan.FromSeconds(1) || options.ShutdownTimeout > s_maxShutdownTimeout)
        {
            failures.Add($"{Describe("ShutdownTimeout", "--shutdown-timeout")} must be between 00:00:01 and 00:10:00, " +
                $"not {options.ShutdownTimeout}.");
        }

        ValidateStore(options.Store, failures);
        ValidateTls(options, failures);
        try
        {
            options.Grains.Validate();
        }
        catch (ArgumentException exception)
        {
            string problem = exception is ArgumentOutOfRangeException ? "is out of range" : "is invalid";
            failures.Add($"Silo:Grains:{exception.ParamName} {problem}: {exception.Message.Split(" (Parameter", 2)[0]}");
        }

        if (options.InsecureDevEvidenceKeyFile is { } devEvidenceKey && !File.Exists(devEvidenceKey))
        {
            // Never created here: a key nobody else holds would admit no workload, and a typo must not pass silently.
            failures.Add($"{Describe("InsecureDevEvidenceKeyFile", "--insecure-dev-evidence-key")} '{devEvidenceKey}' does not exist.");
        }

        if (options.CollateralDirectory is { } collateral && !Directory.Exists(collateral))
        {
            failures.Add($"{Describe("CollateralDirectory", "--collateral-dir")} '{collateral}' does not exist.");
        }

        if (options.Collateral.Refresh)
        {
            if (options.CollateralDirectory is null)
            {
                failures.Add($"{Describe("Collateral:Refresh", "--collateral-refresh")} needs a collateral directory ({Describe("CollateralDirectory", "--collateral-dir")}).");
            }

            try
            {
                options.Collateral.Items.Validate();
            }
            catch (ArgumentException exception)
            {
                failures.Add($"Silo:Collateral:Items is invalid: {exception.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        ValidateMembership(options.Membership, failures);
        if (options.Dashboard.Enabled)
        {
            ValidatePort(options.Dashboard.Port, "Dashboard:Port", "--dashboard-port", failures);
        }

        if (options.Telemetry.OtlpEndpoint is { } endpoint
            && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add($"{Describe("Telemetry:OtlpEndpoint", "--otlp-endpoint")} must be an http(s) URL such as " +
                "http://127.0.0.1:4318.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateStore(SiloStoreOptions store, List<string> failures)
    {
        if (store.Provider == SiloStoreProvider.AzureStorage)
        {
            // Its messages name the Silo:Store:Azure settings and never repeat the connection string.
            ValidateOptionsResult azure = new AzureStoreOptionsValidator().Validate(null, store.Azure);
            failures.AddRange(azure.Succeeded ? [] : azure.Failures ?? []);
        }

        if (store.Provider == SiloStoreProvider.Postgres)
        {
            try
            {
                store.Postgres.Validate();
            }
            catch (ArgumentException exception)
            {
                // The message names the setting and never repeats the connection string.
                failures.Add($"{Describe("Store:Postgres", "--postgres")}: {exception.Message.Split(" (Parameter", 2)[0]}");
            }
        }
    }

    private static void ValidateTls(KmsSiloOptions options, List<string> failures)
    {
        ClusterTlsOptions tls = options.Tls;
        if (!tls.IsConfigured)
        {
            if (!options.Dev)
            {
                failures.Add($"{Describe("Tls", "--tls-cert, --tls-key, --tls-ca")}: a certificate, its key and the " +
                    "cluster CA are required outside development mode: silos and clients authenticate each other " +
                    "with mutual TLS.");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(tls.CertificateFile) || string.IsNullOrWhiteSpace(tls.KeyFile)
            || string.IsNullOrWhiteSpace(tls.CaFile))
        {
            failures.Add($"{Describe("Tls", "--tls-cert, --tls-key, --tls-ca")}: set the certificate, key and CA " +
                "files together.");
        }
    }

    private static void ValidateMembership(SiloMembershipOptions membership, List<string> failures)
    {
        if (membership.ProbeTimeout < TimeSpan.FromMilliseconds(200) || membership.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Describe("Membership:ProbeTimeout", "config only")} must be between 00:00:00.2 and 00:01:00.");
        }

        if (membership.MaxProbeTimeout < membership.ProbeTimeout || membership.MaxProbeTimeout > TimeSpan.FromMinutes(4))
        {
            failures.Add($"{Describe("Membership:MaxProbeTimeout", "config only")} must be between Membership:ProbeTimeout and 00:04:00.");
        }

        if (membership.NumMissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"{Describe("Membership:NumMissedProbesLimit", "config only")} must be between 1 and 10.");
        }

        if (membership.NumVotesForDeathDeclaration is < 1 or > 10)
        {
            failures.Add($"{Describe("Membership:NumVotesForDeathDeclaration", "config only")} must be between 1 and 10.");
        }

        foreach ((TimeSpan value, string name) in new[]
        {
            (membership.IAmAliveTablePublishTimeout, "IAmAliveTablePublishTimeout"),
            (membership.TableRefreshTimeout, "TableRefreshTimeout"),
            (membership.DeathVoteExpirationTimeout, "DeathVoteExpirationTimeout"),
        })
        {
            if (value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromMinutes(10))
            {
                failures.Add($"{Describe("Membership:" + name, "config only")} must be between 00:00:01 and 00:10:00.");
            }
        }
    }

    private static void ValidatePort(int port, string property, string commandLineOption, List<string> failures)
    {
        if (port is < 0 or > 65535)
        {
            failures.Add($"{Describe(property, commandLineOption)} must be between 0 and 65535, not {port}.");
        }
    }

    private static void ValidateUrls(string? urls, List<string> failures)
    {
        string setting = Describe("Urls", "--urls");
        string[] parts = (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            failures.Add($"{setting} must name at least one listen URL, e.g. {KmsSiloOptions.DefaultUrls}.");
            return;
        }

        foreach (string url in parts)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                failures.Add($"{setting}: '{url}' is not a listen URL such as {KmsSiloOptions.DefaultUrls}.");
                continue;
            }

            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{setting}: '{url}' uses scheme '{address.Scheme}'; only http is supported " +
                    "(terminate TLS in front of the silo).");
            }
            else if (!address.IsUnixPipe && address.Port is < 0 or > 65535)
            {
                failures.Add($"{setting}: '{url}' has an invalid port.");
            }
            else if (address.PathBase.Length > 0)
            {
                failures.Add($"{setting}: '{url}' has a path; a listen URL is scheme://host:port only.");
            }
        }
    }

    private static void RequireOutsideDev(
        KmsSiloOptions options, string? value, string property, string commandLineOption, List<string> failures)
    {
        if (!options.Dev && string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Describe(property, commandLineOption)} is required outside development mode " +
                "(or run with --dev for a local, insecure silo).");
        }
    }

    private static void ValidateName(string? value, string property, string commandLineOption, List<string> failures)
    {
        if (value is not null && !NamePattern().IsMatch(value))
        {
            failures.Add($"{Describe(property, commandLineOption)} must be 1-63 letters, digits, '.', '_' or '-' " +
                "starting with a letter or digit.");
        }
    }

    private static string Describe(string property, string commandLineOption) =>
        $"{KmsSiloOptions.SectionName}:{property} ({commandLineOption}, " +
        $"{SiloCommandLine.ToEnvironmentVariableName(KmsSiloOptions.SectionName + ":" + property)})";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
