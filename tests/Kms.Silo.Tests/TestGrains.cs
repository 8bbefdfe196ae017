using System.Text.Json.Serialization;
using Kms.Actors;
using Kms.Actors.Hosting;

namespace Kms.Silo.Tests;

public sealed class LedgerState
{
    public List<string> Entries { get; set; } = [];
}

public interface ILedgerGrain : IGrainWithStringKey
{
    Task<int> AppendAsync(string entry);

    Task<List<string>> GetEntriesAsync();
}

/// <summary>A tiny persistent grain: every append is one ETag-checked write to the silo's file storage.</summary>
[GrainType("silo-tests/ledger")]
public sealed class LedgerGrain([PersistentState("ledger")] IPersistentState<LedgerState> state) : Grain, ILedgerGrain
{
    public async Task<int> AppendAsync(string entry)
    {
        state.State.Entries.Add(entry);
        await state.WriteStateAsync();
        return state.State.Entries.Count;
    }

    public Task<List<string>> GetEntriesAsync() => Task.FromResult(state.State.Entries.ToList());
}

[JsonSerializable(typeof(LedgerState))]
public sealed partial class SiloTestGrainsJsonContext : JsonSerializerContext
{
    public static void Register(SiloOptions silo) =>
        silo.AddGrain<LedgerGrain>().AddJsonContext(Default);
}

public sealed class UnregisteredState
{
    public int Value { get; set; }
}

public interface IBrokenGrain : IGrainWithStringKey
{
    Task<UnregisteredState> GetAsync();
}

/// <summary>Invalid on purpose: its result type is in no registered JSON context.</summary>
public sealed class BrokenGrain : Grain, IBrokenGrain
{
    public Task<UnregisteredState> GetAsync() => Task.FromResult(new UnregisteredState());
}
