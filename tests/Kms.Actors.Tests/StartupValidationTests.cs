using Kms.Actors.Client;
using Kms.Actors.Testing;

namespace Kms.Actors.Tests;

public sealed class Unregistered
{
    public int Value { get; set; }
}

public interface IBadGrain : IGrainWithStringKey
{
    Task<Unregistered> ReturnsUnregisteredAsync();

    Task TakesUnregisteredAsync(Unregistered value);

    int ReturnsSynchronously();

    Task OverloadedAsync(int value);

    Task OverloadedAsync(string value);
}

public sealed class BadGrain : Grain, IBadGrain
{
    public Task<Unregistered> ReturnsUnregisteredAsync() => Task.FromResult(new Unregistered());

    public Task TakesUnregisteredAsync(Unregistered value) => Task.CompletedTask;

    public int ReturnsSynchronously() => 1;

    public Task OverloadedAsync(int value) => Task.CompletedTask;

    public Task OverloadedAsync(string value) => Task.CompletedTask;
}

public sealed class BadStateGrain([PersistentState("s", "Missing")] IPersistentState<Unregistered> state) : Grain, ICallerGrain
{
    public Task<int> CallCounterAsync(string counterKey, int amount) => Task.FromResult(state.State.Value);
}

public sealed class StartupValidationTests
{
    [Fact]
    public async Task SiloStartupListsEveryUnusableMethod()
    {
        var ex = await Assert.ThrowsAsync<GrainInterfaceValidationException>(() => TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = silo => silo.AddGrain<BadGrain>().AddJsonContext(TestGrainsJsonContext.Default),
        }));

        Assert.Contains(ex.Problems, p => p.Contains("IBadGrain.ReturnsUnregisteredAsync") && p.Contains("Unregistered"));
        Assert.Contains(ex.Problems, p => p.Contains("IBadGrain.TakesUnregisteredAsync") && p.Contains("'value'"));
        Assert.Contains(ex.Problems, p => p.Contains("IBadGrain.ReturnsSynchronously") && p.Contains("must return Task"));
        Assert.Contains(ex.Problems, p => p.Contains("IBadGrain.OverloadedAsync") && p.Contains("overloaded"));
    }

    [Fact]
    public async Task SiloStartupRejectsUnknownStorageAndUnserializableState()
    {
        var ex = await Assert.ThrowsAsync<GrainInterfaceValidationException>(() => TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 1,
            ConfigureSilo = silo => silo.AddGrain<BadStateGrain>(),
        }));

        Assert.Contains(ex.Problems, p => p.Contains("BadStateGrain") && p.Contains("'Missing'"));
    }

    [Fact]
    public void ClientCreationValidatesInterfaces()
    {
        var options = new ClusterClientOptions();
        options.Gateways.Add(new Uri("http://127.0.0.1:1/"));
        options.AddGrainInterface<IBadGrain>();

        var ex = Assert.Throws<GrainInterfaceValidationException>(() => new ClusterClient(options));
        Assert.Contains(ex.Problems, p => p.Contains("IBadGrain.ReturnsUnregisteredAsync"));
    }

    [Fact]
    public async Task UnknownInterfacesAreRejectedByTheFactory()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        Assert.Throws<ArgumentException>(() => cluster.GrainFactory.GetGrain<IBadGrain>("x"));
    }
}
