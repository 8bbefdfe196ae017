using System.Diagnostics;
using Kms.Client.Cluster;
using Kms.Grains;
using Xunit.Abstractions;

namespace Kms.Silo.Tests.Cluster;

/// <summary>
/// What every shared store must survive with three <c>kms-silo</c> processes: one cluster that spreads grains over all
/// silos; a SIGKILLed silo and then a SIGSTOPped one are declared dead and their grains come back on the others with
/// nothing acknowledged lost; the frozen silo, thawed, learns it was declared dead and stops.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class ProcessClusterScenario
{
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(45);

    public static async Task RunAsync(
        ProcessClusterFixture cluster, Action<KmsClusterClientOptions> gateways, ITestOutputHelper output)
    {
        string[] names = ["silo-1", "silo-2", "silo-3"];
        foreach (string name in names)
        {
            cluster.Start(name);
        }

        await Task.WhenAll(cluster.Silos.Values.Select(silo => silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
        await cluster.ConnectClientAsync(gateways);
        string[] keys = Enumerable.Range(0, 60).Select(i => "process-test-" + i).ToArray();

        (SiloProbeResult[] first, _) = await cluster.ProbeUntilAllSucceedAsync(keys, Stopwatch.StartNew(), TimeSpan.FromSeconds(60));
        Assert.Equal(names, first.Select(result => result.SiloName).Distinct().Order());
        long[] acknowledged = first.Select(result => result.Probes).ToArray();

        // SIGKILL: the silo vanishes without a word.
        await cluster.Silos["silo-2"].SignalAsync("KILL");
        (SiloProbeResult[] afterKill, TimeSpan killRecovery) =
            await cluster.ProbeUntilAllSucceedAsync(keys, Stopwatch.StartNew(), s_recoveryLimit);
        output.WriteLine($"SIGKILL of silo-2: every call succeeded again after {killRecovery.TotalSeconds:F1} s");
        Assert.DoesNotContain("silo-2", afterKill.Select(result => result.SiloName));
        AssertNothingLost(acknowledged, afterKill);
        acknowledged = afterKill.Select(result => result.Probes).ToArray();

        // The killed silo comes back under its name and rejoins.
        await cluster.Start("silo-2").WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

        // SIGSTOP: the silo still holds its sockets but answers nothing.
        await cluster.Silos["silo-3"].SignalAsync("STOP");
        (SiloProbeResult[] afterFreeze, TimeSpan freezeRecovery) =
            await cluster.ProbeUntilAllSucceedAsync(keys, Stopwatch.StartNew(), s_recoveryLimit);
        output.WriteLine($"SIGSTOP of silo-3: every call succeeded again after {freezeRecovery.TotalSeconds:F1} s");
        Assert.DoesNotContain("silo-3", afterFreeze.Select(result => result.SiloName));
        AssertNothingLost(acknowledged, afterFreeze);

        // Thawed, it reads that it was declared dead and stops.
        var thaw = Stopwatch.StartNew();
        await cluster.Silos["silo-3"].SignalAsync("CONT");
        bool exited = await cluster.Silos["silo-3"].WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"SIGCONT of silo-3: process exited={exited} after {thaw.Elapsed.TotalSeconds:F1} s");
        Assert.True(exited, "a silo that was declared dead stops once it runs again:\n" + cluster.Silos["silo-3"].Output);
    }

    private static void AssertNothingLost(long[] acknowledged, SiloProbeResult[] now)
    {
        for (int i = 0; i < acknowledged.Length; i++)
        {
            Assert.True(now[i].Probes > acknowledged[i],
                $"key {i}: the store answered {now[i].Probes} after {acknowledged[i]} was acknowledged");
        }
    }
}
