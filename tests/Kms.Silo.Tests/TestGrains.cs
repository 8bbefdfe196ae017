using Kms.Grains;

namespace Kms.Silo.Tests;

[GenerateSerializer, Alias("Kms.Silo.Tests.LedgerState")]
public sealed class LedgerState
{
    [Id(0)]
    public List<string> Entries { get; set; } = [];
}

[Alias("Kms.Silo.Tests.ILedgerGrain")]
public interface ILedgerGrain : IGrainWithStringKey
{
    [Alias("Append")]
    Task<int> AppendAsync(string entry);

    [Alias("GetEntries")]
    Task<List<string>> GetEntriesAsync();
}

/// <summary>A tiny persistent grain: every append is one ETag-checked, sealed write to the silo's store.</summary>
public sealed class LedgerGrain([PersistentState("ledger", GrainStorageNames.Kms)] IPersistentState<LedgerState> state)
    : Grain, ILedgerGrain
{
    public async Task<int> AppendAsync(string entry)
    {
        state.State.Entries.Add(entry);
        await state.WriteStateAsync();
        return state.State.Entries.Count;
    }

    public Task<List<string>> GetEntriesAsync() => Task.FromResult(state.State.Entries.ToList());
}
