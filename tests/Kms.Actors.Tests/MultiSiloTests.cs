using System.Text;
using Kms.Actors.Membership;
using Kms.Actors.Runtime;
using Kms.Actors.Serialization;
using Kms.Actors.Storage;
using Kms.Actors.Testing;
using Kms.Actors.Transport;

namespace Kms.Actors.Tests;

public sealed class MultiSiloTests
{
    private static readonly string s_counterType = typeof(CounterGrain).FullName!;

    [Fact]
    public async Task CallsReachGrainsPlacedOnTheOtherSilo()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        IGrainFactory silo1 = cluster.Silos[0].GrainFactory;

        string[] where = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => silo1.GetGrain<ICounterGrain>($"spread-{i}").GetSiloNameAsync()));

        // Rendezvous hashing spreads 40 grains over both silos; those on silo-2 were reached over HTTP/2.
        Assert.Contains("silo-1", where);
        Assert.Contains("silo-2", where);
        Assert.True(cluster.Silos[1].ActivationCount > 0);

        // The placement is stable: the same grain answers from the same silo, whichever silo calls.
        string[] again = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.Silos[1].GrainFactory.GetGrain<ICounterGrain>($"spread-{i}").GetSiloNameAsync()));
        Assert.Equal(where, again);
    }

    [Fact]
    public async Task RemoteExceptionsCarryTypeNameAndMessageOnly()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        string key = await KeyOnSiloAsync(cluster, "silo-2");

        var ex = await Assert.ThrowsAsync<GrainCallException>(() => cluster.Silos[0].GrainFactory.GetGrain<ICounterGrain>(key).ThrowAsync("remote boom"));

        Assert.Equal(typeof(ArgumentOutOfRangeException).FullName, ex.RemoteExceptionType);
        Assert.Contains("remote boom", ex.RemoteMessage);
        Assert.DoesNotContain(" at ", ex.Message);
    }

    [Fact]
    public async Task GrainToGrainCallsCrossSilos()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        string counterKey = await KeyOnSiloAsync(cluster, "silo-2");

        for (int i = 0; i < 10; i++)
        {
            await cluster.Silos[0].GrainFactory.GetGrain<ICallerGrain>($"caller-{i}").CallCounterAsync(counterKey, 1);
        }

        Assert.Equal(10, await cluster.GrainFactory.GetGrain<ICounterGrain>(counterKey).GetPersistedAsync());
    }

    [Fact]
    public async Task ASiloForwardsCallsForGrainsItDoesNotHostAndBoundsForwarding()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        Silo silo1 = cluster.Silos[0];
        string key = await KeyOnSiloAsync(cluster, "silo-2");
        GrainMethod method = silo1.Interfaces.Get(typeof(ICounterGrain)).MethodsByName[nameof(ICounterGrain.GetSiloNameAsync)];
        using var transport = new SiloTransportClient(1 << 20);

        // A silo that placed the call on silo-1 by mistake: silo-1 finds the activation in the directory and forwards.
        var request = new GrainRequestEnvelope(Guid.NewGuid(), method.Interface.Name, method.Name, key, "[]"u8.ToArray(), 5000, FromSilo: true, ForwardCount: 0);
        var (_, response) = await transport.SendAsync(silo1.Address!, request, default);
        Assert.Equal(GrainResponseStatus.Ok, response!.Status);
        Assert.Equal("\"silo-2\"", Encoding.UTF8.GetString(response.Result!));

        // A call that was already forwarded the maximum number of times is not forwarded again.
        var exhausted = request with { RequestId = Guid.NewGuid(), ForwardCount = 2 };
        (_, response) = await transport.SendAsync(silo1.Address!, exhausted, default);
        Assert.Equal(GrainResponseStatus.Unavailable, response!.Status);
        Assert.Contains("forward limit", response.Message);

        // Requests naming unknown methods or malformed arguments are rejected, not executed.
        (_, response) = await transport.SendAsync(silo1.Address!, request with { Method = "Nope" }, default);
        Assert.Equal(GrainResponseStatus.InvalidRequest, response!.Status);
        GrainMethod echo = silo1.Interfaces.Get(typeof(ICounterGrain)).MethodsByName[nameof(ICounterGrain.EchoAsync)];
        (_, response) = await transport.SendAsync(silo1.Address!, request with { Method = echo.Name, Arguments = "[1,2,3]"u8.ToArray() }, default);
        Assert.Equal(GrainResponseStatus.InvalidRequest, response!.Status);
    }

    [Fact]
    public async Task PinnedGrainsLiveOnTheirSiloAndNowhereElse()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        IGrainFactory silo1 = cluster.Silos[0].GrainFactory;

        Assert.Equal("silo-2", await silo1.GetGrain<IPinnedGrain>("silo-2").WhereAsync());
        Assert.Equal("silo-2", await silo1.GetGrain<IPinnedGrain>("silo-2/share").WhereAsync());
        Assert.Equal("silo-1", await cluster.Silos[1].GrainFactory.GetGrain<IPinnedGrain>("silo-1/share").WhereAsync());

        await cluster.KillSiloAsync(cluster.Silos[1]);

        var ex = await Assert.ThrowsAsync<SiloUnavailableException>(() => silo1.GetGrain<IPinnedGrain>("silo-2/other").WhereAsync());
        Assert.Contains("pinned to silo 'silo-2'", ex.Message);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => silo1.GetGrain<IPinnedGrain>("silo-2").WhereAsync());
        Assert.Null(await cluster.Directory.LookupAsync(new GrainId("pinned", "silo-2"), default));
    }

    [Fact]
    public async Task GrainsOfAKilledSiloReactivateOnASurvivorWithTheirState()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        IGrainFactory factory = cluster.Silos[0].GrainFactory;
        string[] keys = await KeysOnSiloAsync(cluster, "silo-3", 5);
        foreach (string key in keys)
        {
            await factory.GetGrain<ICounterGrain>(key).AddAndSaveAsync(5);
        }

        await cluster.KillSiloAsync(cluster.Silos.Single(s => s.Address!.Port == SiloOf(cluster, "silo-3").Address!.Port));

        foreach (string key in keys)
        {
            var grain = factory.GetGrain<ICounterGrain>(key);
            Assert.Equal(5, await grain.GetPersistedAsync());
            Assert.NotEqual("silo-3", await grain.GetSiloNameAsync());
            Assert.Equal(6, await grain.AddAndSaveAsync(1));
        }

        // The killed silo never deactivated anything.
        Assert.All(keys, key => Assert.Equal(0, GrainEvents.Log.Count(e => e.Key == key && e.Event.StartsWith("deactivate", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task GracefulStopDeactivatesGrainsWhichWriteTheirState()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        string key = await KeyOnSiloAsync(cluster, "silo-2");
        await cluster.GrainFactory.GetGrain<ICounterGrain>(key).AddAndSaveAsync(2);
        Silo silo2 = SiloOf(cluster, "silo-2");

        await cluster.StopSiloAsync(silo2);

        Assert.Equal(SiloStatus.Dead, (await cluster.MembershipTable.ReadAllAsync(default)).StatusOf(silo2.Address!));
        Assert.Equal(1, GrainEvents.Count(key, "deactivate:ShuttingDown"));
        GrainStateRecord record = (await cluster.Storage.ReadAsync(new GrainId(s_counterType, key), "counter", default))!;
        Assert.Contains("shutdown", Encoding.UTF8.GetString(record.Data.Span));

        // The grain moves to the survivor, with the state written at shutdown.
        Assert.Equal("silo-1", await cluster.GrainFactory.GetGrain<ICounterGrain>(key).GetSiloNameAsync());
        Assert.Equal(3, await cluster.GrainFactory.GetGrain<ICounterGrain>(key).AddAndSaveAsync(1));
    }

    [Fact]
    public async Task InFlightAndQueuedCallsSurviveAGracefulStop()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        string key = await KeyOnSiloAsync(cluster, "silo-2");
        var grain = cluster.Silos[0].GrainFactory.GetGrain<ICounterGrain>(key);

        Task running = grain.DelayAsync(1000);
        await Task.Delay(100);
        Task<int> queued = grain.IncrementSlowlyAsync();
        Task stopping = cluster.StopSiloAsync(SiloOf(cluster, "silo-2"));

        await running;                                  // the turn in progress completes on silo-2
        Assert.Equal(1, await queued);                  // the queued call runs on the grain's next activation
        await stopping;
        Assert.Equal("silo-1", await grain.GetSiloNameAsync());
    }

    [Fact]
    public async Task RemoteCallsTimeOut()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2, silo => silo.Calls.ResponseTimeout = TimeSpan.FromMilliseconds(500));
        string key = await KeyOnSiloAsync(cluster, "silo-2");

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => cluster.Silos[0].GrainFactory.GetGrain<ICounterGrain>(key).DelayAsync(3000));
    }

    [Fact]
    public async Task AtMostOneActivationUnderConcurrentFirstCallsFromAllSilos()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3);
        var calls = cluster.Silos.SelectMany(silo => Enumerable.Range(0, 30).Select(_ => silo.GrainFactory.GetGrain<ICounterGrain>("race").IncrementSlowlyAsync()));

        int[] results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(1, 90), results.Order());
        Assert.Equal(1, GrainEvents.Count("race", "activate"));
    }

    [Fact]
    public async Task ClientCallsThroughGatewaysAndFailsOver()
    {
        await using var cluster = await Clusters.StartAsync(silos: 2);
        await using var client = cluster.CreateClient(options => options.AddGrainInterface<ICounterGrain>().AddGrainInterface<IPinnedGrain>().JsonContexts.Add(TestGrainsJsonContext.Default));

        var grain = client.GetGrain<ICounterGrain>("client");
        Assert.Equal(new Greeting("a!", 2), await grain.EchoAsync(new Greeting("a", 1), "!"));
        Assert.Equal(4, await grain.AddAndSaveAsync(4));
        Assert.Equal("silo-2", await client.GetGrain<IPinnedGrain>("silo-2").WhereAsync());
        var ex = await Assert.ThrowsAsync<GrainCallException>(() => grain.ThrowAsync("via client"));
        Assert.Equal(typeof(ArgumentOutOfRangeException).FullName, ex.RemoteExceptionType);

        // The first gateway goes away; calls continue through the second, and the grain keeps its state.
        await cluster.KillSiloAsync(SiloOf(cluster, "silo-1"));
        Assert.Equal(4, await grain.GetPersistedAsync());
        Assert.Equal(5, await client.GetGrain<ICounterGrain>("client").AddAndSaveAsync(1));
    }

    [Fact]
    public async Task ANewSiloTakesPartInPlacement()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        await cluster.StartAdditionalSiloAsync();
        string[] where = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => cluster.GrainFactory.GetGrain<ICounterGrain>($"new-{i}").GetSiloNameAsync()));
        Assert.Contains("silo-2", where);
    }

    private static Silo SiloOf(TestCluster cluster, string name)
        => cluster.Silos.Single(s => s.Options.SiloName == name);

    private static async Task<string> KeyOnSiloAsync(TestCluster cluster, string siloName)
        => (await KeysOnSiloAsync(cluster, siloName, 1))[0];

    /// <summary>Finds keys that placement puts on <paramref name="siloName"/> (and activates them there).</summary>
    private static async Task<string[]> KeysOnSiloAsync(TestCluster cluster, string siloName, int count)
    {
        var keys = new List<string>();
        string prefix = Guid.NewGuid().ToString("N")[..8];
        for (int i = 0; keys.Count < count; i++)
        {
            Assert.True(i < 500, "placement never chose " + siloName);
            string key = $"{prefix}-{i}";
            if (await cluster.GrainFactory.GetGrain<ICounterGrain>(key).GetSiloNameAsync() == siloName)
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }
}
