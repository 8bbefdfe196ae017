using System.Diagnostics;
using Kms.Tests.Shared;
using Xunit.Abstractions;

namespace Kms.Cluster.Tests;

/// <summary>
/// <c>infra/local/cluster.sh up|status|down</c> end to end on Azurite: real processes, a workload served through the
/// cluster by the <c>kms</c> CLI, and nothing left running after <c>down</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterScriptTests(ITestOutputHelper output)
{
    [RequiresAzuriteFact]
    public async Task UpStatusDown_OnAzurite_ServesAWorkloadAndStopsEverything()
    {
        var clock = Stopwatch.StartNew();
        await using LocalClusterScript cluster = await LocalClusterScript.UpAsync("azurite");
        output.WriteLine($"up: {clock.Elapsed.TotalSeconds:F1} s");

        ScriptResult status = await cluster.RunAsync(TimeSpan.FromSeconds(60), "status");
        Assert.True(status.ExitCode == 0, status.Output);
        foreach (string silo in cluster.SiloNames)
        {
            Assert.Matches($@"(?m)^{silo}\s+\d+\s+ready\s", status.Output);
            Assert.Contains("KMS API listening on", cluster.Log(silo), StringComparison.Ordinal);
        }

        Assert.Matches(@"(?m)^azurite\s+\d+\s+running", status.Output);
        Assert.Matches(@"(?m)^anvil\s+\d+\s+running", status.Output);
        Assert.Contains("cluster: active, 2 of 3, epoch 1", status.Output, StringComparison.Ordinal);

        // The README's walkthrough against the cluster: the CLI plays admin and workload, through two of the silos.
        string workload = Path.Combine(cluster.StateDirectory, "workload");
        ScriptResult cli = await RunKmsAsync(
            "--url", $"{cluster.ApiAddress("silo-2")},{cluster.ApiAddress("silo-3")}", "--data-dir", Path.Combine(cluster.StateDirectory, "dev"),
            "dev", "workload", "--out", workload);
        Assert.True(cli.ExitCode == 0, cli.Output + cluster.AllLogs());
        Assert.Equal(32, new FileInfo(Path.Combine(workload, "disk.key")).Length);

        int[] pids = new[] { "silo-1", "silo-2", "silo-3", "anvil", "azurite" }.Select(name => cluster.Pid(name)!.Value).ToArray();
        ScriptResult down = await cluster.RunAsync(TimeSpan.FromSeconds(90), "down");
        Assert.True(down.ExitCode == 0, down.Output);
        Assert.All(pids, pid => Assert.False(LocalClusterScript.IsRunning(pid), $"pid {pid} still runs after down"));

        ScriptResult after = await cluster.RunAsync(TimeSpan.FromSeconds(60), "status");
        Assert.NotEqual(0, after.ExitCode);
        Assert.Matches(@"(?m)^silo-1\s+-\s+stopped", after.Output);
        output.WriteLine($"total: {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<ScriptResult> RunKmsAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "kms.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new ScriptResult(process.ExitCode, await stdout + await stderr);
    }
}
