using Microsoft.Extensions.Configuration;

namespace Kms.Silo;

/// <summary>Assembles the silo's configuration sources in their order of precedence.</summary>
public static class KmsSiloConfiguration
{
    /// <summary>Environment variables with this prefix are configuration (<c>KMS_Silo__DataDirectory</c>).</summary>
    public const string EnvironmentPrefix = "KMS_";

    /// <summary>The settings file read from the executable's directory.</summary>
    public const string AppSettingsFileName = "appsettings.json";

    /// <summary>
    /// Adds, lowest precedence first: <c>appsettings.json</c> from the base directory (optional), the
    /// <c>--config</c> file (required if given), <c>KMS_</c> environment variables, the command line.
    /// </summary>
    public static IConfigurationBuilder AddKmsSiloSources(
        this IConfigurationBuilder builder, SiloLaunchContext launch, SiloCommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(commandLine);

        builder.AddJsonFile(
            Path.Combine(Path.GetFullPath(launch.BaseDirectory), AppSettingsFileName), optional: true, reloadOnChange: false);
        if (commandLine.ConfigFile is { } configFile)
        {
            string path = Path.GetFullPath(configFile, launch.WorkingDirectory);
            if (!File.Exists(path))
            {
                throw new SiloStartupException($"The settings file given with --config does not exist: {path}");
            }

            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(FromEnvironment(launch.EnvironmentVariables));
        builder.AddInMemoryCollection(commandLine.Values);
        return builder;
    }

    /// <summary>Maps <c>KMS_A__B=v</c> to the configuration key <c>A:B</c>; other variables are ignored.</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(
        IReadOnlyDictionary<string, string> environment)
    {
        foreach ((string name, string value) in environment)
        {
            // Environment names are case-sensitive on Linux, but operators write KMS_ and kms_ alike.
            if (name.Length > EnvironmentPrefix.Length
                && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                string key = name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                yield return new KeyValuePair<string, string?>(key, value);
            }
        }
    }
}
