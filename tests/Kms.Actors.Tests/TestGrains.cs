using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Kms.Actors.Tests;

public sealed class CounterState
{
    public int Count { get; set; }

    public List<string> History { get; set; } = [];
}

public sealed record Greeting(string Text, int Number);

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementSlowlyAsync();

    Task<int> GetAsync();

    Task<int> AddAndSaveAsync(int amount);

    ValueTask<int> GetPersistedAsync();

    Task ClearAsync();

    Task<Guid> GetActivationIdAsync();

    Task<string> GetSiloNameAsync();

    Task ThrowAsync(string message);

    ValueTask DeactivateAsync();

    Task<Greeting> EchoAsync(Greeting greeting, string suffix);

    Task DelayAsync(int milliseconds);
}

/// <summary>Records activations and deactivations across the whole test process.</summary>
public static class GrainEvents
{
    public static ConcurrentQueue<(string Key, string Event, string Silo)> Log { get; } = new();

    public static int Count(string key, string evt) => Log.Count(e => e.Key == key && e.Event == evt);
}

public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    SiloIdentity silo) : Grain, ICounterGrain
{
    private readonly Guid _activationId = Guid.NewGuid();
    private int _inMemory;
    private int _inTurn;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainEvents.Log.Enqueue((GetPrimaryKeyString(), "activate", silo.Name));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainEvents.Log.Enqueue((GetPrimaryKeyString(), "deactivate:" + reason.ReasonCode, silo.Name));
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && state.RecordExists)
        {
            state.State.History.Add("shutdown");
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<int> IncrementSlowlyAsync()
    {
        if (Interlocked.Increment(ref _inTurn) != 1)
        {
            throw new InvalidOperationException("Two turns overlapped.");
        }

        int read = _inMemory;
        await Task.Yield();
        await Task.Delay(1);
        _inMemory = read + 1;
        Interlocked.Decrement(ref _inTurn);
        return _inMemory;
    }

    public Task<int> GetAsync() => Task.FromResult(_inMemory);

    public async Task<int> AddAndSaveAsync(int amount)
    {
        state.State.Count += amount;
        state.State.History.Add($"+{amount}");
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public ValueTask<int> GetPersistedAsync() => ValueTask.FromResult(state.State.Count);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task<Guid> GetActivationIdAsync() => Task.FromResult(_activationId);

    public Task<string> GetSiloNameAsync() => Task.FromResult(silo.Name);

    public Task ThrowAsync(string message) => throw new ArgumentOutOfRangeException(nameof(message), message);

    public ValueTask DeactivateAsync()
    {
        DeactivateOnIdle();
        return ValueTask.CompletedTask;
    }

    public Task<Greeting> EchoAsync(Greeting greeting, string suffix)
        => Task.FromResult(greeting with { Text = greeting.Text + suffix, Number = greeting.Number + 1 });

    public Task DelayAsync(int milliseconds) => Task.Delay(milliseconds);
}

/// <summary>A service each silo registers, so grains can tell where they run.</summary>
public sealed record SiloIdentity(string Name);

public interface IPinnedGrain : IGrainWithStringKey
{
    Task<string> WhereAsync();
}

[PinnedToSilo]
[GrainType("pinned")]
public sealed class PinnedGrain(SiloIdentity silo) : Grain, IPinnedGrain
{
    public Task<string> WhereAsync() => Task.FromResult(silo.Name);
}

public interface ICallerGrain : IGrainWithStringKey
{
    Task<int> CallCounterAsync(string counterKey, int amount);
}

public sealed class CallerGrain : Grain, ICallerGrain
{
    public Task<int> CallCounterAsync(string counterKey, int amount)
        => GrainFactory.GetGrain<ICounterGrain>(counterKey).AddAndSaveAsync(amount);
}

[JsonSerializable(typeof(CounterState))]
[JsonSerializable(typeof(Greeting))]
public sealed partial class TestGrainsJsonContext : JsonSerializerContext;
