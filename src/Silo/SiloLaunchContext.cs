using System.Collections;

namespace Kms.Silo;

/// <summary>
/// Everything a silo start reads from its process: arguments, environment variables, the directory with
/// <c>appsettings.json</c> and the directory relative paths are resolved against. Tests pass their own instead of
/// mutating process-wide state.
/// </summary>
/// <param name="Args">The command-line arguments.</param>
/// <param name="EnvironmentVariables">The environment variables.</param>
/// <param name="BaseDirectory">The directory that holds <c>appsettings.json</c> (the executable's directory).</param>
/// <param name="WorkingDirectory">The directory relative paths are resolved against.</param>
public sealed record SiloLaunchContext(
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> EnvironmentVariables,
    string BaseDirectory,
    string WorkingDirectory)
{
    /// <summary>The launch context of the current process.</summary>
    public static SiloLaunchContext FromProcess(string[] args)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                environment[key] = value;
            }
        }

        return new SiloLaunchContext(args, environment, AppContext.BaseDirectory, Environment.CurrentDirectory);
    }
}
