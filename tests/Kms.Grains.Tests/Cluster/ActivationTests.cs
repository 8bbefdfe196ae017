namespace Kms.Grains.Tests.Cluster;

/// <summary>Orleans' single-activation and turn-based guarantees, on three silos with the KMS storage.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ActivationTests(KmsClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    [Fact]
    public async Task ConcurrentFirstCalls_ActivateTheGrainOnce()
    {
        string key = "activation-" + Guid.NewGuid().ToString("N");
        IRandomCounterGrain grain = Grains.GetGrain<IRandomCounterGrain>(key);

        GrainSnapshot[] snapshots = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => grain.GetAsync()));

        Assert.Single(snapshots.Select(snapshot => snapshot.ActivationId).Distinct());
        Assert.Single(snapshots.Select(snapshot => snapshot.SiloName).Distinct());
        Assert.Equal(1, GrainProbe.Activations(key));
    }

    [Fact]
    public async Task ConcurrentReadModifyWrites_RunOneAtATime_AndLoseNoUpdate()
    {
        const int Calls = 40;
        string key = "turns-" + Guid.NewGuid().ToString("N");
        IRandomCounterGrain grain = Grains.GetGrain<IRandomCounterGrain>(key);

        long[] results = await Task.WhenAll(Enumerable.Range(0, Calls).Select(_ => grain.IncrementSlowlyAsync()));

        // Each call yields between its read and its write: interleaved calls would read the same value.
        Assert.Equal(Enumerable.Range(1, Calls).Select(value => (long)value), results.Order());
        Assert.Equal(1, GrainProbe.MaxConcurrentCalls(key));
        Assert.Equal(Calls, (await grain.GetAsync()).Value);
    }

    [Fact]
    public async Task SiloProbe_ReportsItsSilo_AndARisingCount_ThatSurvivesDeactivation()
    {
        ISiloProbeGrain probe = Grains.GetGrain<ISiloProbeGrain>("probe-" + Guid.NewGuid().ToString("N"));
        string[] siloNames = fixture.Cluster.Cluster.Silos.Select(silo => silo.Name).ToArray();

        SiloProbeResult first = await probe.ProbeAsync();
        SiloProbeResult second = await probe.ProbeAsync();
        await fixture.Cluster.Cluster.DeactivateAsync(probe);
        SiloProbeResult third = await probe.ProbeAsync();

        Assert.Contains(first.SiloName, siloNames);
        Assert.Equal(first.SiloName, second.SiloName);
        Assert.Contains(third.SiloName, siloNames);
        Assert.Equal([1L, 2L, 3L], [first.Probes, second.Probes, third.Probes]);
    }
}
