using System.Diagnostics;
using Kms.Grains.Placement;

namespace Kms.Grains.Tests.Cluster;

/// <summary>A silo stopped or killed: its silo-bound grains fail fast and clearly, other grains move with their state.</summary>
/// <remarks>Each test stops a silo, so each has its own cluster.</remarks>
public sealed class SiloFailureTests
{
    private const string Victim = "Secondary_1";
    private static readonly TimeSpan s_fastFailure = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_recovery = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SiloBoundGrainsFailFast_WhileOtherGrainsMoveWithTheirState(bool kill)
    {
        await using KmsTestCluster cluster = await KmsTestCluster.StartAsync(fastFailureDetection: true);
        IGrainFactory grains = cluster.GrainFactory;
        ISiloBoundGrain bound = grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create(Victim, "share"));
        Assert.Equal(Victim, await bound.GetSiloNameAsync());
        string[] residents = ["resident-a", "resident-b"];
        foreach (string resident in residents)
        {
            Assert.Equal(Victim, await bound.PlaceLocalCounterAsync(resident + kill, value: 3));
        }

        IRandomCounterGrain[] spread = Enumerable.Range(0, 12)
            .Select(index => grains.GetGrain<IRandomCounterGrain>($"spread-{index}-{kill}")).ToArray();
        await Task.WhenAll(spread.Select(grain => grain.IncrementSlowlyAsync()));

        if (kill)
        {
            await cluster.Cluster.KillSiloAsync(cluster.Silo(Victim));
        }
        else
        {
            await cluster.Cluster.StopSiloAsync(cluster.Silo(Victim));
        }

        // The grain that lived there, and one never activated: both refused at once, naming the silo.
        foreach (ISiloBoundGrain call in new[] { bound, grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create(Victim, "never-active")) })
        {
            var clock = Stopwatch.StartNew();
            Exception error = await Assert.ThrowsAnyAsync<Exception>(() => call.GetSiloNameAsync());
            clock.Stop();

            OwnerSiloUnavailableException? unavailable = Poll.FindInChain<OwnerSiloUnavailableException>(error);
            Assert.True(unavailable is not null, $"expected OwnerSiloUnavailableException in the chain, got {error}");
            Assert.Equal(Victim, unavailable.SiloName);
            Assert.Contains($"'{Victim}'", unavailable.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < s_fastFailure, $"the call failed after {clock.Elapsed}, not at once");
        }

        // Silo-bound grains of the surviving silos keep working.
        foreach (string survivor in new[] { "Primary", "Secondary_2" })
        {
            Assert.Equal(survivor, await grains.GetGrain<ISiloBoundGrain>(SiloBoundKey.Create(survivor, "share")).GetSiloNameAsync());
        }

        // Ordinary grains that lived on the lost silo are activated elsewhere with their persisted state.
        foreach (string resident in residents)
        {
            ILocalCounterGrain moved = grains.GetGrain<ILocalCounterGrain>(resident + kill);
            GrainSnapshot snapshot = await Poll.UntilSucceedsAsync(() => moved.GetAsync(), s_recovery);
            Assert.NotEqual(Victim, snapshot.SiloName);
            Assert.Equal(3, snapshot.Value);
            Assert.Equal(4, await moved.IncrementSlowlyAsync());
        }

        foreach (IRandomCounterGrain grain in spread)
        {
            GrainSnapshot snapshot = await Poll.UntilSucceedsAsync(() => grain.GetAsync(), s_recovery);
            Assert.NotEqual(Victim, snapshot.SiloName);
            Assert.Equal(1, snapshot.Value);
        }
    }
}
