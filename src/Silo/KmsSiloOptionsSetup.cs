using Kms.Client.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Kms.Silo;

/// <summary>
/// Binds <see cref="KmsSiloOptions"/> strictly (an unknown key in the <c>Silo</c> section is an error, so typos do
/// not silently fall back to defaults), applies the development-mode defaults and resolves relative paths.
/// </summary>
public static class KmsSiloOptionsSetup
{
    /// <summary>Binds, completes and validates the options, as the silo does before it starts anything.</summary>
    /// <exception cref="SiloStartupException">A value does not convert or the options are invalid; lists every problem.</exception>
    public static KmsSiloOptions Load(IConfiguration configuration, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new KmsSiloOptions();
        Bind(configuration, options);
        try
        {
            ApplyDefaults(options, workingDirectory);
        }
        catch (ArgumentException exception)
        {
            // Path.GetFullPath rejects characters no file system accepts (NUL).
            throw new SiloStartupException($"Invalid configuration: a path setting is not a valid path: {exception.Message}", exception);
        }

        ValidateOptionsResult result = new KmsSiloOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new SiloStartupException(
                "Invalid configuration:" + Environment.NewLine + "  - " +
                string.Join(Environment.NewLine + "  - ", result.Failures));
        }

        return options;
    }

    /// <summary>Binds the <c>Silo</c> section onto <paramref name="options"/>.</summary>
    /// <exception cref="SiloStartupException">A key is unknown or a value does not convert.</exception>
    public static void Bind(IConfiguration configuration, KmsSiloOptions options)
    {
        try
        {
            configuration.GetSection(KmsSiloOptions.SectionName)
                .Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException exception)
        {
            // The binder's message names the key and the target type; the inner one says why the value is wrong.
            string detail = exception.InnerException is { } inner
                ? $"{exception.Message} {inner.Message}"
                : exception.Message;
            throw new SiloStartupException($"Invalid configuration: {detail}", exception);
        }
    }

    /// <summary>Fills development-mode defaults and the silo name, and makes paths absolute.</summary>
    public static void ApplyDefaults(KmsSiloOptions options, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);

        options.DataDirectory = Blank(options.DataDirectory);
        options.StorageKeyFile = Blank(options.StorageKeyFile);
        options.SealingKeyFile = Blank(options.SealingKeyFile);
        options.CollateralDirectory = Blank(options.CollateralDirectory);
        options.ClusterId = Blank(options.ClusterId);
        options.SiloName = Blank(options.SiloName) ?? Blank(Environment.MachineName);
        options.AdvertisedAddress = Blank(options.AdvertisedAddress);
        if (options.Store.Provider == SiloStoreProvider.Files)
        {
            // One machine: nobody needs to reach this silo from elsewhere.
            options.AdvertisedAddress ??= "127.0.0.1";
        }

        ClusterTlsOptions tls = options.Tls;
        tls.CertificateFile = ResolvePath(tls.CertificateFile, workingDirectory);
        tls.KeyFile = ResolvePath(tls.KeyFile, workingDirectory);
        tls.CaFile = ResolvePath(tls.CaFile, workingDirectory);

        options.InsecureDevEvidenceKeyFile = ResolvePath(options.InsecureDevEvidenceKeyFile, workingDirectory);
        if (options.Dev)
        {
            options.DataDirectory ??= KmsSiloOptions.DefaultDevDataDirectory;
            options.ClusterId ??= KmsSiloOptions.DefaultDevClusterId;
        }

        if (options.AcceptsDevEvidence)
        {
            // The Go registry front end's namespaces admit the dev evidence only such a silo verifies.
            Kms.Grains.Hosting.RegistryFrontEndOptions registry = options.Grains.Registry;
            if (!registry.TeeTypes.Contains("dev", StringComparer.Ordinal))
            {
                registry.TeeTypes = [.. registry.TeeTypes, "dev"];
            }
        }

        if (options.DataDirectory is not null)
        {
            options.DataDirectory = Path.GetFullPath(options.DataDirectory, workingDirectory);
            if (options.Dev)
            {
                options.StorageKeyFile ??= Path.Combine(options.DataDirectory, KmsSiloOptions.DevStorageKeyFileName);
            }
        }

        if (options.StorageKeyFile is not null)
        {
            options.StorageKeyFile = Path.GetFullPath(options.StorageKeyFile, workingDirectory);
        }

        options.SealingKeyFile = ResolvePath(options.SealingKeyFile, workingDirectory)
            ?? (options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, KmsSiloOptions.SealingKeyFileName));
        options.CollateralDirectory = ResolvePath(options.CollateralDirectory, workingDirectory);
    }

    private static string? ResolvePath(string? value, string workingDirectory)
        => Blank(value) is { } path ? Path.GetFullPath(path, workingDirectory) : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
