namespace Kms.Actors.Tests;

public sealed class SingleSiloTests
{
    [Fact]
    public async Task ConcurrentCallsOnOneGrainNeverInterleave()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("turns");

        // Each call reads, yields, then writes read+1: any interleaving would lose increments or trip the
        // overlap detector inside the grain.
        int[] results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => grain.IncrementSlowlyAsync()));

        Assert.Equal(200, await grain.GetAsync());
        Assert.Equal(Enumerable.Range(1, 200), results.Order());
    }

    [Fact]
    public async Task ArgumentsAndResultsRoundTripAsJson()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("echo");

        Greeting original = new("hello", 41);
        Greeting echoed = await grain.EchoAsync(original, "!");

        Assert.Equal(new Greeting("hello!", 42), echoed);
        Assert.Equal(new Greeting("hello", 41), original);
    }

    [Fact]
    public async Task LocalExceptionsKeepTheirTypeAndMessage()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("thrower");

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ThrowAsync("bad value"));
        Assert.Contains("bad value", ex.Message);

        // The activation survives an application exception.
        Assert.Equal(1, await grain.IncrementSlowlyAsync());
    }

    [Fact]
    public async Task SlowCallsTimeOut()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, silo => silo.Calls.ResponseTimeout = TimeSpan.FromMilliseconds(200));
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("slow");

        var ex = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.DelayAsync(3000));
        Assert.IsAssignableFrom<TimeoutException>(ex);
    }
}
