using System.Security.Cryptography;
using Kms.Grains.Storage;
using Orleans.Storage;
using static Kms.Grains.Tests.Storage.StorageTestKit;

namespace Kms.Grains.Tests.Storage;

/// <summary>The sealing layer over the file store, outside a silo.</summary>
public sealed class SealedGrainStorageTests : IDisposable
{
    private static readonly GrainId s_grain = Ledger;
    private readonly StorageTestKit _kit = new();
    private readonly GrainStateSealer _sealer = new(RandomNumberGenerator.GetBytes(GrainStateSealer.KeySize));
    private readonly FileGrainStorage _store;
    private readonly SealedGrainStorage _storage;

    public SealedGrainStorageTests()
    {
        _store = _kit.CreateFileStorage();
        _storage = Create(_sealer);
    }

    public void Dispose()
    {
        _sealer.Dispose();
        _kit.Dispose();
    }

    [Fact]
    public async Task AState_RoundTrips_AndTheStoreHoldsOnlyItsSeal()
    {
        var state = new GrainState<List<string>>(["secret entry"]);
        await _storage.WriteStateAsync(StateName, s_grain, state);

        GrainState<List<string>> read = await ReadAsync<List<string>>(_storage, s_grain);
        var raw = new GrainState<SealedGrainState>();
        await _store.ReadStateAsync(StateName, s_grain, raw);

        Assert.Equal(["secret entry"], read.State);
        Assert.Equal(state.ETag, read.ETag);
        Assert.True(read.RecordExists);
        Assert.True(raw.State!.Sealed.AsSpan().IndexOf("secret entry"u8) < 0);
        Assert.Equal(Serializer.SerializeToArray(new List<string> { "secret entry" }), _sealer.Open(raw.State.Sealed, s_grain, StateName));
    }

    [Fact]
    public async Task ASealMovedToAnotherGrainInTheStore_IsRefused()
    {
        GrainId other = GrainId.Create("ledger", "beta");
        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<string>>(["a"]));
        var raw = new GrainState<SealedGrainState>();
        await _store.ReadStateAsync(StateName, s_grain, raw);
        await _store.WriteStateAsync(StateName, other, new GrainState<SealedGrainState>(raw.State!));

        await Assert.ThrowsAsync<GrainStateCorruptedException>(() => ReadAsync<List<string>>(_storage, other));
    }

    [Fact]
    public async Task AStateSealedUnderAnotherKey_IsRefused()
    {
        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<string>>(["a"]));
        using var otherSealer = new GrainStateSealer(RandomNumberGenerator.GetBytes(GrainStateSealer.KeySize));

        var error = await Assert.ThrowsAsync<GrainStateCorruptedException>(() => ReadAsync<List<string>>(Create(otherSealer), s_grain));

        Assert.Contains("does not authenticate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public Task AReRead_AfterAClearByAnotherWriter_ResetsTheState()
        => AssertAReReadAfterAClearElsewhereResetsTheStateAsync(_storage);

    [Fact]
    public async Task ARecordWithoutASealedState_ReadsAsCleared_AsAdoNetReportsAClearedRow()
    {
        // Orleans' ADO.NET storage keeps a cleared row (payload NULL, version kept) and reads it as an existing
        // record holding a default state: here, a SealedGrainState with no sealed bytes.
        await _store.WriteStateAsync(StateName, s_grain, new GrainState<SealedGrainState>(new SealedGrainState()));
        var holder = new GrainState<List<string>>(["stale"]);

        await _storage.ReadStateAsync(StateName, s_grain, holder);

        Assert.False(holder.RecordExists);
        Assert.Equal("1", holder.ETag);
        Assert.Empty(holder.State!);
    }

    [Fact]
    public async Task AStoreThatDoesNotAnswer_IsReportedUnavailable_AndAVersionConflictPassesUnchanged()
    {
        // A driver's own exception type (as Npgsql's) has no Orleans codec: it must not travel to the caller.
        var down = new SealedGrainStorage(new FailingStore(new DriverException("connection refused to 10.0.0.5:5432")), _sealer, Serializer, Activators);
        foreach (Func<Task> call in new Func<Task>[]
        {
            () => down.ReadStateAsync(StateName, s_grain, new GrainState<List<string>>()),
            () => down.WriteStateAsync(StateName, s_grain, new GrainState<List<string>>(["a"])),
            () => down.ClearStateAsync(StateName, s_grain, new GrainState<List<string>>()),
        })
        {
            KmsException error = await Assert.ThrowsAsync<KmsException>(call);
            Assert.Equal(KmsErrorKind.Unavailable, error.Kind);
            Assert.DoesNotContain("10.0.0.5", error.Message, StringComparison.Ordinal);
            Assert.Null(error.InnerException);
        }

        var conflicting = new SealedGrainStorage(new FailingStore(new InconsistentStateException("etag mismatch")), _sealer, Serializer, Activators);
        await Assert.ThrowsAsync<InconsistentStateException>(() => conflicting.WriteStateAsync(StateName, s_grain, new GrainState<List<string>>(["a"])));
    }

    private sealed class DriverException(string message) : Exception(message);

    private sealed class FailingStore(Exception failure) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.FromException(failure);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.FromException(failure);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.FromException(failure);
    }

    private SealedGrainStorage Create(GrainStateSealer sealer)
        => new(_store, sealer, Serializer, Activators);
}
