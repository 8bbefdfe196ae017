using System.Diagnostics;

namespace Kms.Deploy.Tests;

/// <summary>The result of one run of a command-line tool.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"exit code {ExitCode}{Environment.NewLine}stdout: {StandardOutput}{Environment.NewLine}stderr: {StandardError}";
}

/// <summary>Runs command-line tools (bicep, systemd-analyze, cloud-init) with a time limit.</summary>
internal static class ExternalTool
{
    /// <summary>Whether CI=true: tests that need a missing tool then fail instead of being skipped.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<ToolResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time.");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>
/// A fact that needs a command-line tool on PATH: skipped with the reason when it is missing, except with CI=true,
/// where it runs and fails (.ci/run installs the tool).
/// </summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool, string package)
    {
        if (ExternalTool.FindOnPath(tool) is null && !ExternalTool.InCi)
        {
            Skip = $"{tool} is not installed (Debian package {package}). With CI=true this test fails instead.";
        }
    }
}
