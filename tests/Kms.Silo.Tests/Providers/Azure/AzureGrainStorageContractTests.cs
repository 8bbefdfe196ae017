using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Kms.Tests.Shared;
using Orleans.Storage;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>
/// The grain storage contract, through the <see cref="IGrainStorage"/> that <c>UseKmsAzureStorage</c> registers,
/// against Azure Blob storage in Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureGrainStorageContractTests(AzuriteFixture fixture)
{
    private const string StateName = "probe";

    [RequiresAzuriteFact]
    public async Task ReadOfAStateNeverWrittenFindsNoRecord()
    {
        IGrainStorage storage = await GetStorageAsync();
        var state = new GrainState<StorageProbeState>(new StorageProbeState());

        await storage.ReadStateAsync(StateName, NewGrainId(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(string.Empty, state.State!.Text);
    }

    [RequiresAzuriteFact]
    public async Task WriteOfANewStateIsReadBackWithTheSameETag()
    {
        IGrainStorage storage = await GetStorageAsync();
        GrainId grain = NewGrainId();
        var written = new GrainState<StorageProbeState>(new StorageProbeState { Text = "first", Version = 1 });

        await storage.WriteStateAsync(StateName, grain, written);
        var read = new GrainState<StorageProbeState>(new StorageProbeState());
        await storage.ReadStateAsync(StateName, grain, read);

        Assert.NotNull(written.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("first", read.State!.Text);
        Assert.Equal(1, read.State!.Version);
    }

    [RequiresAzuriteFact]
    public async Task EveryWriteChangesTheETag()
    {
        IGrainStorage storage = await GetStorageAsync();
        GrainId grain = NewGrainId();
        var state = new GrainState<StorageProbeState>(new StorageProbeState { Text = "a" });

        await storage.WriteStateAsync(StateName, grain, state);
        string? first = state.ETag;
        state.State!.Text = "b";
        await storage.WriteStateAsync(StateName, grain, state);

        Assert.NotNull(first);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(first, state.ETag);
        var read = new GrainState<StorageProbeState>(new StorageProbeState());
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal("b", read.State!.Text);
    }

    [RequiresAzuriteFact]
    public async Task WriteWithAStaleETagIsRefusedAndKeepsTheNewerState()
    {
        IGrainStorage storage = await GetStorageAsync();
        GrainId grain = NewGrainId();
        var winner = new GrainState<StorageProbeState>(new StorageProbeState { Text = "v1" });
        await storage.WriteStateAsync(StateName, grain, winner);
        var stale = new GrainState<StorageProbeState>(new StorageProbeState()) { ETag = winner.ETag };
        winner.State!.Text = "v2";
        await storage.WriteStateAsync(StateName, grain, winner);

        stale.State!.Text = "lost update";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));

        var read = new GrainState<StorageProbeState>(new StorageProbeState());
        await storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal("v2", read.State!.Text);
    }

    [RequiresAzuriteFact]
    public async Task WriteAsNewOverAnExistingStateIsRefused()
    {
        IGrainStorage storage = await GetStorageAsync();
        GrainId grain = NewGrainId();
        await storage.WriteStateAsync(StateName, grain, new GrainState<StorageProbeState>(new StorageProbeState { Text = "kept" }));

        var blind = new GrainState<StorageProbeState>(new StorageProbeState { Text = "blind" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, blind));
    }

    [RequiresAzuriteFact]
    public async Task ClearDeletesTheStoredStateAndReadThenFindsNoRecord()
    {
        IGrainStorage storage = await GetStorageAsync();
        GrainId grain = NewGrainId();
        string marker = "clear-marker-" + Guid.NewGuid().ToString("N");
        var state = new GrainState<StorageProbeState>(new StorageProbeState { Text = marker });
        await storage.WriteStateAsync(StateName, grain, state);
        Assert.True(Contains(await fixture.Server.DumpAllAsync(CancellationToken.None), marker), "the dump must see the written state");

        await storage.ClearStateAsync(StateName, grain, state);
        var read = new GrainState<StorageProbeState>(new StorageProbeState());
        await storage.ReadStateAsync(StateName, grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(string.Empty, read.State!.Text);
        Assert.False(Contains(await fixture.Server.DumpAllAsync(CancellationToken.None), marker), "a cleared state must leave no bytes behind");
    }

    [RequiresAzuriteFact]
    public async Task ClearWithAStaleETagIsRefused()
    {
        IGrainStorage storage = await GetStorageAsync();
        GrainId grain = NewGrainId();
        var current = new GrainState<StorageProbeState>(new StorageProbeState { Text = "v1" });
        await storage.WriteStateAsync(StateName, grain, current);
        var stale = new GrainState<StorageProbeState>(new StorageProbeState()) { ETag = current.ETag, RecordExists = true };
        await storage.WriteStateAsync(StateName, grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, stale));
    }

    private async Task<IGrainStorage> GetStorageAsync()
    {
        RunningHost silo = await fixture.GetStorageSiloAsync();
        return silo.Services.GetRequiredKeyedService<IGrainStorage>(AzureTestCluster.GrainStorageName);
    }

    private static GrainId NewGrainId() => GrainId.Create("kms-storage-probe", Guid.NewGuid().ToString("N"));

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
