using System.Diagnostics;
using System.Text.Json;
using Kms.Tests.Shared;

namespace Kms.Cli.Tests;

/// <summary>The result of one <c>kms</c> invocation.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>stdout as one JSON document (fails the test when it is anything else).</summary>
    public JsonElement Json()
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(StdOut);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON document ({exception.Message}):\n{StdOut}\nstderr:\n{StdErr}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}

/// <summary>Runs <c>kms</c> in process (its real entry point, with captured stdout and stderr) or as the built kms.dll.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        int exit = await KmsCli.RunAsync(args, stdout, stderr, timeout.Token);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs <c>kms</c> with <c>--url</c> and <c>--data-dir</c> of <paramref name="silo"/>.</summary>
    public static Task<CliResult> RunAsync(DevSiloProcess silo, params string[] args) =>
        RunAsync(["--url", silo.ApiAddress.ToString(), "--data-dir", silo.DataDirectory, .. args]);

    /// <summary>Runs the built kms.dll as a separate process, as a user would.</summary>
    public static async Task<CliResult> RunProcessAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "kms.dll"), .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return await RunAsync(start);
    }

    public static async Task<CliResult> RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

[CollectionDefinition(Name)]
public sealed class DevSiloCollection : ICollectionFixture<DevSiloFixture>
{
    public const string Name = "dev silo";
}
