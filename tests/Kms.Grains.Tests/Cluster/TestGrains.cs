using System.Collections.Concurrent;
using Kms.Grains.Placement;
using Orleans.Placement;

namespace Kms.Grains.Tests.Cluster;

/// <summary>The persisted state of the test grains.</summary>
[GenerateSerializer, Alias("Kms.Grains.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public long Value { get; set; }

    [Id(1)]
    public byte[] Secret { get; set; } = [];
}

/// <summary>Where and in which activation a call ran, and the state it saw.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Tests.GrainSnapshot")]
public sealed record GrainSnapshot(
    [property: Id(0)] string SiloName,
    [property: Id(1)] Guid ActivationId,
    [property: Id(2)] long Value,
    [property: Id(3)] byte[] Secret);

/// <summary>The calls of the counter grains, whatever their placement.</summary>
[Alias("Kms.Grains.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Reads the value, yields to the scheduler, then writes value + 1: only atomic if calls do not
    /// interleave.</summary>
    [Alias("IncrementSlowly")]
    Task<long> IncrementSlowlyAsync();

    [Alias("SetSecret")]
    Task SetSecretAsync(byte[] secret);

    [Alias("Get")]
    Task<GrainSnapshot> GetAsync();

    /// <summary>Writes through a second view of the same state, read at activation: stale after any write.</summary>
    [Alias("WriteThroughStaleView")]
    Task WriteThroughStaleViewAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();
}

/// <summary>An ordinary, randomly placed grain with persisted state.</summary>
[Alias("Kms.Grains.Tests.IRandomCounterGrain")]
public interface IRandomCounterGrain : ICounterGrain;

/// <summary>A grain placed on the calling silo where possible, so tests can put one on a chosen silo.</summary>
[Alias("Kms.Grains.Tests.ILocalCounterGrain")]
public interface ILocalCounterGrain : ICounterGrain;

/// <summary>A grain bound to the silo its key names.</summary>
[Alias("Kms.Grains.Tests.ISiloBoundGrain")]
public interface ISiloBoundGrain : IGrainWithStringKey
{
    [Alias("GetSiloName")]
    Task<string> GetSiloNameAsync();

    /// <summary>Calls <see cref="IMisplacedSiloBoundGrain"/> <paramref name="key"/>, which activates on this silo.</summary>
    [Alias("CallMisplaced")]
    Task<string> CallMisplacedAsync(string key);

    /// <summary>Activates <see cref="ILocalCounterGrain"/> <paramref name="key"/> on this silo and stores
    /// <paramref name="value"/> increments in it.</summary>
    [Alias("PlaceLocalCounter")]
    Task<string> PlaceLocalCounterAsync(string key, int value);
}

/// <summary>A grain with the silo-bound self-check but placed on the calling silo: how a silo-bound grain would
/// look if placement ever put it elsewhere.</summary>
[Alias("Kms.Grains.Tests.IMisplacedSiloBoundGrain")]
public interface IMisplacedSiloBoundGrain : IGrainWithStringKey
{
    [Alias("GetSiloName")]
    Task<string> GetSiloNameAsync();
}

/// <summary>Counts activations and concurrent calls per grain key across all silos of the process.</summary>
internal static class GrainProbe
{
    private static readonly ConcurrentDictionary<string, int> s_activations = new();
    private static readonly ConcurrentDictionary<string, int> s_running = new();
    private static readonly ConcurrentDictionary<string, int> s_maxRunning = new();

    public static int Activations(string key) => s_activations.GetValueOrDefault(key);

    public static int MaxConcurrentCalls(string key) => s_maxRunning.GetValueOrDefault(key);

    public static void Activated(string key) => s_activations.AddOrUpdate(key, 1, (_, count) => count + 1);

    public static async Task<T> RunAsync<T>(string key, Func<Task<T>> call)
    {
        int running = s_running.AddOrUpdate(key, 1, (_, count) => count + 1);
        s_maxRunning.AddOrUpdate(key, running, (_, max) => Math.Max(max, running));
        try
        {
            return await call();
        }
        finally
        {
            s_running.AddOrUpdate(key, 0, (_, count) => count - 1);
        }
    }
}

internal abstract class CounterGrain(
    IPersistentState<CounterState> state,
    IPersistentState<CounterState> staleView,
    ILocalSiloDetails silo) : Grain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainProbe.Activated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public Task<long> IncrementSlowlyAsync() => GrainProbe.RunAsync(this.GetPrimaryKeyString(), async () =>
    {
        long value = state.State.Value;
        await Task.Delay(1);
        state.State.Value = value + 1;
        await state.WriteStateAsync();
        return state.State.Value;
    });

    public async Task SetSecretAsync(byte[] secret)
    {
        state.State.Secret = secret;
        await state.WriteStateAsync();
    }

    public Task<GrainSnapshot> GetAsync()
        => Task.FromResult(new GrainSnapshot(silo.Name, _activationId, state.State.Value, state.State.Secret));

    public async Task WriteThroughStaleViewAsync()
    {
        staleView.State.Value = -1;
        await staleView.WriteStateAsync();
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[RandomPlacement]
internal sealed class RandomCounterGrain(
    [PersistentState("counter", GrainStorageNames.Kms)] IPersistentState<CounterState> state,
    [PersistentState("counter", GrainStorageNames.Kms)] IPersistentState<CounterState> staleView,
    ILocalSiloDetails silo) : CounterGrain(state, staleView, silo), IRandomCounterGrain;

[PreferLocalPlacement]
internal sealed class LocalCounterGrain(
    [PersistentState("counter", GrainStorageNames.Kms)] IPersistentState<CounterState> state,
    [PersistentState("counter", GrainStorageNames.Kms)] IPersistentState<CounterState> staleView,
    ILocalSiloDetails silo) : CounterGrain(state, staleView, silo), ILocalCounterGrain;

/// <summary>Makes the silo-bound self-check on activation and reports its silo.</summary>
internal abstract class SelfCheckingGrain(ILocalSiloDetails silo) : Grain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        SiloBoundKey.EnsureHostedBy(this.GetGrainId(), silo.Name);
        return Task.CompletedTask;
    }

    public Task<string> GetSiloNameAsync() => Task.FromResult(silo.Name);
}

[SiloBoundPlacement]
internal sealed class SiloBoundGrain(ILocalSiloDetails silo) : SelfCheckingGrain(silo), ISiloBoundGrain
{

    public Task<string> CallMisplacedAsync(string key)
        => GrainFactory.GetGrain<IMisplacedSiloBoundGrain>(key).GetSiloNameAsync();

    public async Task<string> PlaceLocalCounterAsync(string key, int value)
    {
        ILocalCounterGrain counter = GrainFactory.GetGrain<ILocalCounterGrain>(key);
        for (int i = 0; i < value; i++)
        {
            await counter.IncrementSlowlyAsync();
        }

        return (await counter.GetAsync()).SiloName;
    }
}

[PreferLocalPlacement]
internal sealed class MisplacedSiloBoundGrain(ILocalSiloDetails silo) : SelfCheckingGrain(silo), IMisplacedSiloBoundGrain;
