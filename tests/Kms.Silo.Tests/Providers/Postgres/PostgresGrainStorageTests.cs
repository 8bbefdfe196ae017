using System.Text;
using Kms.Silo.Providers.Postgres;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>The grain-storage contract, through the <see cref="IGrainStorage"/> that UseKmsPostgres registers.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresServer server) : IAsyncLifetime
{
    private const string StorageName = "kms-test-store";
    private const string GrainType = "Kms.Silo.Tests.PostgresStoredGrain";

    private PostgresTestSilo? _silo;
    private string _database = string.Empty;
    private string _connectionString = string.Empty;

    private IGrainStorage Storage => _silo!.Host.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);

    public async Task InitializeAsync()
    {
        if (!server.IsAvailable)
        {
            return;
        }

        (_database, _connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        _silo = await PostgresTestSilo.StartAsync(_connectionString, "storage-silo", options =>
        {
            options.GrainStorageName = StorageName;
            options.UseReminders = false;
        });
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [RequiresPostgresFact]
    public async Task TheSiloAppliedTheSchemaBeforeOrleansStarted()
    {
        Assert.Equal([1], await PostgresSchemaMigratorTests.AppliedVersionsAsync(_connectionString));
        Assert.Equal(1L, await PostgresSchemaMigratorTests.ScalarAsync<long>(_connectionString,
            $"SELECT count(*) FROM orleansmembershiptable WHERE status = 3 AND siloname = 'storage-silo'"));
    }

    [RequiresPostgresFact]
    public async Task ReadOfANeverWrittenGrain_HasNoRecordAndNoETag()
    {
        GrainState<PostgresTestState> state = await ReadAsync(NewGrainId());

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(string.Empty, state.State!.Text);
    }

    [RequiresPostgresFact]
    public async Task WriteNew_ThenRead_ReturnsTheStateAndTheSameETag()
    {
        GrainId grain = NewGrainId();
        var written = new GrainState<PostgresTestState>(new PostgresTestState { Text = "first", Secret = [1, 2, 3] });

        await Storage.WriteStateAsync(GrainType, grain, written);
        GrainState<PostgresTestState> read = await ReadAsync(grain);

        Assert.True(written.RecordExists);
        Assert.False(string.IsNullOrEmpty(written.ETag));
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("first", read.State!.Text);
        Assert.Equal([1, 2, 3], read.State!.Secret);
    }

    [RequiresPostgresFact]
    public async Task EachWrite_ChangesTheETag()
    {
        GrainId grain = NewGrainId();
        var state = new GrainState<PostgresTestState>(new PostgresTestState { Text = "v1" });
        var etags = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            state.State!.Text = $"v{i}";
            await Storage.WriteStateAsync(GrainType, grain, state);
            etags.Add(state.ETag!);
        }

        Assert.Equal(3, etags.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("v2", (await ReadAsync(grain)).State!.Text);
    }

    [RequiresPostgresFact]
    public async Task WriteWithAStaleETag_ThrowsInconsistentStateAndKeepsTheWinner()
    {
        GrainId grain = NewGrainId();
        await Storage.WriteStateAsync(GrainType, grain, new GrainState<PostgresTestState>(new PostgresTestState { Text = "base" }));
        GrainState<PostgresTestState> first = await ReadAsync(grain);
        GrainState<PostgresTestState> second = await ReadAsync(grain);

        first.State!.Text = "winner";
        await Storage.WriteStateAsync(GrainType, grain, first);
        second.State!.Text = "loser";
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, grain, second));

        GrainState<PostgresTestState> stored = await ReadAsync(grain);
        Assert.Equal("winner", stored.State!.Text);
        Assert.Equal(first.ETag, stored.ETag);
    }

    [RequiresPostgresFact]
    public async Task ASecondFirstWrite_Fails()
    {
        GrainId grain = NewGrainId();
        await Storage.WriteStateAsync(GrainType, grain, new GrainState<PostgresTestState>(new PostgresTestState { Text = "one" }));

        var duplicate = new GrainState<PostgresTestState>(new PostgresTestState { Text = "two" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, grain, duplicate));

        Assert.Equal("one", (await ReadAsync(grain)).State!.Text);
        Assert.Equal(1L, await PostgresSchemaMigratorTests.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM orleansstorage"));
    }

    [RequiresPostgresFact]
    public async Task RacingFirstWrites_ExactlyOneWins()
    {
        GrainId grain = NewGrainId();
        Task[] writes = [.. Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            Storage.WriteStateAsync(GrainType, grain, new GrainState<PostgresTestState>(new PostgresTestState { Text = $"w{i}" }))))];

        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(1, writes.Count(write => write.IsCompletedSuccessfully));
        Assert.All(writes.Where(write => write.IsFaulted), write => Assert.IsType<InconsistentStateException>(write.Exception!.InnerException));
    }

    [RequiresPostgresFact]
    public async Task Clear_ThenRead_HasNoRecordAndANewETag_AndAStaleWriteFails()
    {
        GrainId grain = NewGrainId();
        var state = new GrainState<PostgresTestState>(new PostgresTestState { Text = "to clear" });
        await Storage.WriteStateAsync(GrainType, grain, state);
        string writtenETag = state.ETag!;
        GrainState<PostgresTestState> stale = await ReadAsync(grain);

        await Storage.ClearStateAsync(GrainType, grain, state);
        GrainState<PostgresTestState> read = await ReadAsync(grain);

        Assert.False(state.RecordExists);
        Assert.NotEqual(writtenETag, state.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(string.Empty, read.State!.Text);
        Assert.Equal(state.ETag, read.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(GrainType, grain, stale));

        read.State!.Text = "after clear";
        await Storage.WriteStateAsync(GrainType, grain, read);
        Assert.Equal("after clear", (await ReadAsync(grain)).State!.Text);
    }

    [RequiresPostgresFact]
    public async Task GrainsWithOtherIdsOrTypes_DoNotShareState()
    {
        GrainId grain = NewGrainId();
        await Storage.WriteStateAsync(GrainType, grain, new GrainState<PostgresTestState>(new PostgresTestState { Text = "mine" }));

        Assert.False((await ReadAsync(NewGrainId())).RecordExists);
        var otherType = new GrainState<PostgresTestState>();
        await Storage.ReadStateAsync(GrainType + "Other", grain, otherType);
        Assert.False(otherType.RecordExists);
    }

    [RequiresPostgresFact]
    public async Task DumpDatabaseAsync_ShowsWrittenPayloadsAsHex()
    {
        const string Marker = "dump-positive-control-7f3a";
        await Storage.WriteStateAsync(GrainType, NewGrainId(), new GrainState<PostgresTestState>(new PostgresTestState { Text = Marker }));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        byte[] dump = await server.DumpDatabaseAsync(_database, timeout.Token);

        // Proves the dump holds the stored payload (bytea as hex), so a "secret bytes never appear" scan is meaningful.
        string text = Encoding.UTF8.GetString(dump);
        Assert.Contains(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(Marker)), text, StringComparison.Ordinal);
        Assert.Contains("COPY public.orleansstorage", text, StringComparison.Ordinal);
    }

    private async Task<GrainState<PostgresTestState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<PostgresTestState>();
        await Storage.ReadStateAsync(GrainType, grain, state);
        return state;
    }

    private static GrainId NewGrainId() => GrainId.Create("pgtest", Guid.NewGuid().ToString("N"));
}
