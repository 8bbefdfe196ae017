using System.Diagnostics;
using Kms.Tests.Shared;
using Xunit.Abstractions;

namespace Kms.Cluster.Tests;

/// <summary>
/// Faults of silo processes under steady load (4 workers releasing keys through /v1 and admitting identities) on a
/// real 2-of-3 cluster: kill -9 of one, SIGSTOP of one, kill of two. Times are written to the test output.
/// </summary>
[Collection(FaultClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SiloFaultTests(FaultCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan s_steady = TimeSpan.FromSeconds(3);

    [RequiresPostgresFact]
    public async Task KillOneOfThree_UnderLoad_ServedAgainWithin10s_NothingAcknowledgedLost_AndTheSiloRejoins()
    {
        await cluster.EnsureHealthyAsync();
        var load = new ClusterLoad(cluster.Workload);
        TimeSpan fault;
        using (var stop = new CancellationTokenSource())
        {
            Task running = load.RunAsync(4, stop.Token);
            await Task.Delay(s_steady);
            fault = load.Now;
            await cluster.Script.KillAsync("silo-2");

            // The threshold absorbs the missing share: silo-2 is reported unavailable while keys are still released.
            TimeSpan declared = await cluster.WaitForStatusAsync(
                status => FaultCluster.Unavailable(status, "silo-2"), TimeSpan.FromSeconds(30), "silo-2 unavailable", through: 0);
            output.WriteLine($"kill -9 silo-2: reported unavailable after {declared.TotalSeconds:F1} s");
            await Task.Delay(TimeSpan.FromSeconds(15) - (load.Now - fault));
            stop.Cancel();
            await running;
        }

        IReadOnlyCollection<LoadCall> calls = load.Calls;
        TimeSpan recovery = calls.RecoveryAfter(fault);
        output.WriteLine($"kill -9 silo-2: calls failed for {recovery.TotalSeconds:F1} s; {calls.Failures(fault, load.Now)} failed, " +
            $"{calls.Successes(fault, load.Now)} succeeded after the kill ({calls.DescribeFailures(fault)})");
        Assert.True(calls.Successes(TimeSpan.Zero, fault) > 0, "no call succeeded before the fault");
        Assert.True(recovery < TimeSpan.FromSeconds(10), $"calls failed for {recovery} after the kill: {calls.DescribeFailures(fault)}");
        Assert.True(calls.Successes(load.Now - TimeSpan.FromSeconds(4), load.Now) > 0, "no call succeeded at the end");
        Assert.Equal(0, load.WrongKeys);
        Assert.Equal(cluster.ReferenceKey, load.FirstKey);
        await AssertAcknowledgedStoredAsync(load, through: 0);

        // The silo restarts under its name and rejoins: its share is live again and it serves the same key.
        var restart = Stopwatch.StartNew();
        ScriptResult started = await cluster.Script.RunAsync(TimeSpan.FromMinutes(3), "start-silo", "silo-2");
        Assert.True(started.ExitCode == 0, started.Output);
        await cluster.WaitForStatusAsync(status => !FaultCluster.Unavailable(status, "silo-2"), TimeSpan.FromSeconds(60), "silo-2 live again");
        output.WriteLine($"silo-2 restarted and live again after {restart.Elapsed.TotalSeconds:F1} s");
        (CallResult again, byte[]? key) = await cluster.Workload.ReleaseAsync(1, CancellationToken.None);
        Assert.True(again.Succeeded, again.ToString());
        Assert.Equal(cluster.ReferenceKey, key);
    }

    [RequiresPostgresFact]
    public async Task FreezeOneOfThree_UnderLoad_ServedAgainWithin15s_AndThawedItLearnsItIsDeadAndStops()
    {
        await cluster.EnsureHealthyAsync();
        var load = new ClusterLoad(cluster.Workload);
        TimeSpan fault;
        using (var stop = new CancellationTokenSource())
        {
            Task running = load.RunAsync(4, stop.Token);
            await Task.Delay(s_steady);
            fault = load.Now;
            await cluster.Script.SignalAsync("silo-3", "STOP");
            TimeSpan declared = await cluster.WaitForStatusAsync(
                status => FaultCluster.Unavailable(status, "silo-3"), TimeSpan.FromSeconds(40), "silo-3 unavailable", through: 0);
            output.WriteLine($"SIGSTOP silo-3: declared dead (reported unavailable) after {declared.TotalSeconds:F1} s");
            TimeSpan rest = TimeSpan.FromSeconds(20) - (load.Now - fault);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            stop.Cancel();
            await running;
        }

        IReadOnlyCollection<LoadCall> calls = load.Calls;
        TimeSpan recovery = calls.RecoveryAfter(fault);
        output.WriteLine($"SIGSTOP silo-3: calls failed for {recovery.TotalSeconds:F1} s; {calls.Failures(fault, load.Now)} failed, " +
            $"{calls.Successes(fault, load.Now)} succeeded after the freeze ({calls.DescribeFailures(fault)})");
        Assert.True(recovery < TimeSpan.FromSeconds(15), $"calls failed for {recovery} after the freeze: {calls.DescribeFailures(fault)}");
        // Clients stopped routing through the frozen silo: at the end, no call went to it.
        Assert.DoesNotContain(calls, call => call.At > load.Now - TimeSpan.FromSeconds(3) && call.Silo == 2 && !call.Result.Succeeded);
        Assert.Equal(0, load.WrongKeys);
        await AssertAcknowledgedStoredAsync(load, through: 0);

        // Thawed, it reads in the membership table that it was declared dead, and stops serving.
        int pid = cluster.Script.Pid("silo-3")!.Value;
        var thaw = Stopwatch.StartNew();
        await cluster.Script.SignalAsync("silo-3", "CONT");
        while (LocalClusterScript.IsRunning(pid) && thaw.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }

        output.WriteLine($"SIGCONT silo-3: process running={LocalClusterScript.IsRunning(pid)} after {thaw.Elapsed.TotalSeconds:F1} s");
        Assert.False(LocalClusterScript.IsRunning(pid), "a silo declared dead stops once it runs again:\n" + cluster.Script.Log("silo-3"));
    }

    [RequiresPostgresFact]
    public async Task KillTwoOfThree_ReleasesNothingWith503AndAReason_ThenOneBackIsServedTheSameKey()
    {
        await cluster.EnsureHealthyAsync();
        string statusBefore = (await cluster.Workload.GetAsync(0, "/v1/cluster", CancellationToken.None))!.Value.Body;

        // One after the other, so that the survivors can vote each dead (two votes of three; then one of two).
        await cluster.Script.KillAsync("silo-3");
        await cluster.WaitForStatusAsync(status => FaultCluster.Unavailable(status, "silo-3"), TimeSpan.FromSeconds(40), "silo-3 unavailable", through: 0);
        await cluster.Script.KillAsync("silo-2");
        // Until silo-2 is declared dead, silo-1 may still serve a namespace key it holds in memory; from then on the
        // one share left is below the threshold, and nothing is released.
        TimeSpan declared = await cluster.WaitForStatusAsync(
            status => FaultCluster.Unavailable(status, "silo-2") && FaultCluster.Unavailable(status, "silo-3"),
            TimeSpan.FromSeconds(45), "silo-2 and silo-3 unavailable", through: 0);
        output.WriteLine($"two of three killed: silo-2 declared dead after {declared.TotalSeconds:F1} s");
        for (int attempt = 0; attempt < 3; attempt++)
        {
            (CallResult refused, byte[]? key) = await cluster.Workload.ReleaseAsync(0, CancellationToken.None);
            output.WriteLine($"release with one silo of three: {refused}");
            Assert.Null(key);
            Assert.Equal(503, refused.Status);
            Assert.Contains("\"reason\"", refused.Detail, StringComparison.Ordinal);
            Assert.Contains("nothing", refused.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("ciphertext", refused.Detail, StringComparison.Ordinal);
        }

        // One comes back: served again, the same key, the same cluster state (nothing half-written).
        ScriptResult started = await cluster.Script.RunAsync(TimeSpan.FromMinutes(3), "start-silo", "silo-2");
        Assert.True(started.ExitCode == 0, started.Output);
        var back = Stopwatch.StartNew();
        byte[]? served = null;
        CallResult last = CallResult.Unreachable("not tried");
        while (served is null && back.Elapsed < TimeSpan.FromSeconds(60))
        {
            (last, served) = await cluster.Workload.ReleaseAsync(0, CancellationToken.None);
            if (served is null)
            {
                await Task.Delay(250);
            }
        }

        output.WriteLine($"silo-2 back: served again {back.Elapsed.TotalSeconds:F1} s after it was ready");
        Assert.True(served is not null, $"not served with two of three back: {last}\n{cluster.Script.AllLogs()}");
        Assert.Equal(cluster.ReferenceKey, served);
        string statusAfter = (await cluster.Workload.GetAsync(0, "/v1/cluster", CancellationToken.None))!.Value.Body;
        Assert.Equal(Field(statusBefore, "epoch"), Field(statusAfter, "epoch"));
        Assert.Equal(Field(statusBefore, "committee"), Field(statusAfter, "committee"));
        Assert.Equal(Field(statusBefore, "groupPublicKey"), Field(statusAfter, "groupPublicKey"));
    }

    private async Task AssertAcknowledgedStoredAsync(ClusterLoad load, int through)
    {
        IReadOnlyCollection<string> acknowledged = load.Acknowledged;
        string? stored = await cluster.Workload.ListMeasurementsAsync(through, CancellationToken.None);
        Assert.NotNull(stored);
        string[] lost = acknowledged.Where(identity => !stored.Contains(identity, StringComparison.Ordinal)).ToArray();
        output.WriteLine($"{acknowledged.Count} acknowledged writes, {lost.Length} lost");
        Assert.True(acknowledged.Count > 0, "no write was acknowledged");
        Assert.Empty(lost);
    }

    private static string Field(string json, string name) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty(name).GetRawText();
}
