using Kms.Grains;

namespace Kms.Benchmarks.Orleans;

[Alias("Kms.Benchmarks.IEchoGrain")]
public interface IEchoGrain : IGrainWithIntegerKey
{
    [Alias("Echo")]
    Task<int> EchoAsync(int value);
}

/// <summary>No state, no work: the cost of a grain call itself.</summary>
[global::Orleans.Placement.RandomPlacement]
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> EchoAsync(int value) => Task.FromResult(value + 1);
}

[Alias("Kms.Benchmarks.ICounterGrain")]
public interface ICounterGrain : IGrainWithIntegerKey
{
    [Alias("Increment")]
    Task<long> IncrementAsync();
}

/// <summary>One sealed, ETag-checked write per call: the cost of a persisted state change through a store.</summary>
public sealed class CounterGrain([PersistentState("counter", GrainStorageNames.Kms)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain
{
    public async Task<long> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }
}

[GenerateSerializer, Alias("Kms.Benchmarks.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public long Value { get; set; }
}
