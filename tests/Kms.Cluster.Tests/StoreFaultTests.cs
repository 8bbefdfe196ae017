using Kms.Tests.Shared;
using Xunit.Abstractions;

namespace Kms.Cluster.Tests;

/// <summary>The shared store (PostgreSQL) stops and starts again under load: writes fail with 503 meanwhile, and the
/// cluster recovers by itself.</summary>
[Collection(FaultClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StoreFaultTests(FaultCluster cluster, ITestOutputHelper output)
{
    [RequiresPostgresFact]
    public async Task RestartTheStore_UnderLoad_WritesFailWith503_ThenTheClusterRecoversWithoutManualSteps()
    {
        await cluster.EnsureHealthyAsync();
        var load = new ClusterLoad(cluster.Workload) { WriteEvery = 2 };
        TimeSpan outage, restarted;
        using (var stop = new CancellationTokenSource())
        {
            Task running = load.RunAsync(4, stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(3));
            outage = load.Now;
            ScriptResult stopped = await cluster.Script.RunAsync(TimeSpan.FromSeconds(60), "stop-store");
            Assert.True(stopped.ExitCode == 0, stopped.Output);
            await Task.Delay(TimeSpan.FromSeconds(5));
            ScriptResult started = await cluster.Script.RunAsync(TimeSpan.FromSeconds(90), "start-store");
            Assert.True(started.ExitCode == 0, started.Output);
            restarted = load.Now;
            await Task.Delay(TimeSpan.FromSeconds(20));
            stop.Cancel();
            await running;
        }

        IReadOnlyCollection<LoadCall> calls = load.Calls;
        LoadCall[] failedWrites = calls.Where(call => call.Write && !call.Result.Succeeded && call.At >= outage && call.At < restarted).ToArray();
        TimeSpan recovery = calls.RecoveryAfter(restarted);
        output.WriteLine($"store down {(restarted - outage).TotalSeconds:F1} s: {failedWrites.Length} writes failed " +
            $"({calls.DescribeFailures(outage)}); calls failed for {recovery.TotalSeconds:F1} s after the restart");
        Assert.NotEmpty(failedWrites); // the store really was down
        Assert.All(failedWrites, call => Assert.True(call.Result.Status is 503 or 0, $"a write during the outage answered {call.Result}"));
        Assert.Contains(failedWrites, call => call.Result.Status == 503);
        Assert.DoesNotContain(calls, call => call.Result.Status == 500);
        Assert.True(recovery < TimeSpan.FromSeconds(15), $"calls failed for {recovery} after the store came back: {calls.DescribeFailures(restarted)}");
        Assert.True(calls.Successes(restarted + recovery, load.Now) > 0, "nothing succeeded after the store came back");
        Assert.Equal(0, load.WrongKeys);

        string? stored = await cluster.Workload.ListMeasurementsAsync(0, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.DoesNotContain(load.Acknowledged, identity => !stored.Contains(identity, StringComparison.Ordinal));

        // Every silo is still a ready member: no restart was needed.
        foreach (int silo in Enumerable.Range(0, 3))
        {
            Assert.True(await cluster.Workload.GetAsync(silo, "/readyz", CancellationToken.None) is (200, _), $"silo {silo + 1} not ready");
        }
    }
}
