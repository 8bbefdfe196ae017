using System.Diagnostics;

namespace Kms.Tests.Shared;

/// <summary>
/// Locates and runs the foundry CLIs (cast, anvil) that <c>npm install --prefix infra/contracts</c> installs, or the
/// binaries named by KMS_CAST / KMS_ANVIL. Linked into every test project that needs them (one source of truth).
/// </summary>
internal static class FoundryTools
{
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The folder that holds Orleans.Kms.sln, found upwards from the test binaries; null outside a checkout.</summary>
    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Whether CI=true: tests that need the tools then fail instead of being skipped.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether an executable named <paramref name="tool"/> is in a folder on PATH (openssl, curl...).</summary>
    public static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));

    /// <summary>The path of <paramref name="tool"/> ("cast", "anvil"), or null when it is not installed.</summary>
    public static string? Find(string tool)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("KMS_" + tool.ToUpperInvariant());
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            // An explicit setting that points nowhere is a configuration error: do not silently use another binary.
            return File.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        if (RepositoryRoot is null)
        {
            return null;
        }

        string modules = Path.Combine(RepositoryRoot, "infra", "contracts", "node_modules");
        // Prefer the native binary: the .bin shim is a node wrapper, and killing it could orphan the real process.
        string native = Path.Combine(modules, "@foundry-rs", tool + "-linux-amd64", "bin", tool);
        if (File.Exists(native))
        {
            return native;
        }

        string shim = Path.Combine(modules, ".bin", tool);
        return File.Exists(shim) ? shim : null;
    }

    /// <summary>Runs <paramref name="tool"/> and returns its trimmed standard output.</summary>
    /// <exception cref="InvalidOperationException">The tool is missing, fails, or runs longer than a minute.</exception>
    public static string Run(string tool, params string[] arguments)
    {
        string path = Find(tool)
            ?? throw new InvalidOperationException($"{tool} not found: run `npm install --prefix infra/contracts` (or set KMS_{tool.ToUpperInvariant()}).");
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        // Both streams are drained concurrently: reading one to the end first can deadlock on a full pipe.
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_runTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} did not finish within {s_runTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
        }

        return output.Result.Trim();
    }

    private static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.Kms.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}

/// <summary>
/// A fact that needs the cast CLI: skipped with the reason when cast is missing, except with CI=true, where the test
/// runs and fails (CI must install it with <c>npm install --prefix infra/contracts</c>).
/// </summary>
public sealed class RequiresCastFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when cast is missing outside CI.</summary>
    public RequiresCastFactAttribute()
    {
        if (!FoundryTools.IsCi && FoundryTools.Find("cast") is null)
        {
            Skip = "cast not found: run `npm install --prefix infra/contracts` (or set KMS_CAST). With CI=true this test fails instead.";
        }
    }
}
