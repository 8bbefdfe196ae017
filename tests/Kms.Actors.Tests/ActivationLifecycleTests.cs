using System.Text;
using Kms.Actors.Storage;

namespace Kms.Actors.Tests;

public sealed class ActivationLifecycleTests
{
    [Fact]
    public async Task EtagConflictThrowsAndDeactivatesSoTheNextCallRereadsState()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("conflict");
        Assert.Equal(1, await grain.AddAndSaveAsync(1));
        Guid firstActivation = await grain.GetActivationIdAsync();

        // Someone else (a duplicate activation, an operator) writes behind the activation's back.
        var id = new GrainId(typeof(CounterGrain).FullName!, "conflict");
        GrainStateRecord stored = (await cluster.Storage.ReadAsync(id, "counter", default))!;
        await cluster.Storage.WriteAsync(id, "counter", Encoding.UTF8.GetBytes("""{"Count":100,"History":[]}"""), stored.ETag, default);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AddAndSaveAsync(1));
        Assert.Equal("2", ex.StoredEtag);
        Assert.Equal("1", ex.CurrentEtag);

        await Clusters.WaitUntilAsync(() => GrainEvents.Count("conflict", "deactivate:InconsistentState") == 1, "deactivation after conflict");
        Assert.NotEqual(firstActivation, await grain.GetActivationIdAsync());
        Assert.Equal(100, await grain.GetPersistedAsync());
        Assert.Equal(101, await grain.AddAndSaveAsync(1));
    }

    [Fact]
    public async Task IdleActivationsAreCollected()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, silo =>
        {
            silo.Collection.CollectionAge = TimeSpan.FromMilliseconds(300);
            silo.Collection.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        });
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("idle");
        Guid first = await grain.GetActivationIdAsync();
        Assert.Equal(1, cluster.Silos[0].ActivationCount);

        await Clusters.WaitUntilAsync(() => GrainEvents.Count("idle", "deactivate:ActivationIdle") >= 1, "idle collection");
        await Clusters.WaitUntilAsync(() => cluster.Silos[0].ActivationCount == 0, "catalog empty");
        Assert.NotEqual(first, await grain.GetActivationIdAsync());
    }

    [Fact]
    public async Task BusyActivationsAreNotCollected()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, silo =>
        {
            silo.Collection.CollectionAge = TimeSpan.FromSeconds(1);
            silo.Collection.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        });
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("busy");
        await grain.GetActivationIdAsync();

        // A call running 2.5 times the collection age keeps the activation: idleness counts from its end.
        await grain.DelayAsync(2500);

        Assert.Equal(0, GrainEvents.Count("busy", "deactivate:ActivationIdle"));
    }

    [Fact]
    public async Task DeactivateOnIdleStartsAFreshActivation()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("deactivate-on-idle");
        Assert.Equal(1, await grain.IncrementSlowlyAsync());
        Guid first = await grain.GetActivationIdAsync();

        await grain.DeactivateAsync();

        Assert.NotEqual(first, await grain.GetActivationIdAsync());
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, GrainEvents.Count("deactivate-on-idle", "deactivate:ApplicationRequested"));
    }

    [Fact]
    public async Task ClearStateLeavesNoRecordAndAVersionedTombstone()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("clear");
        await grain.AddAndSaveAsync(7);

        await grain.ClearAsync();

        Assert.Equal(0, await grain.GetPersistedAsync());
        GrainStateRecord record = (await cluster.Storage.ReadAsync(new GrainId(typeof(CounterGrain).FullName!, "clear"), "counter", default))!;
        Assert.False(record.RecordExists);
        Assert.Equal("2", record.ETag);
        Assert.Equal(3, await grain.AddAndSaveAsync(3));
    }

    [Fact]
    public async Task AStaleDirectoryEntryOnTheSameSiloIsReplaced()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var id = new GrainId(typeof(CounterGrain).FullName!, "stale");
        var stale = new Kms.Actors.GrainDirectory.GrainAddress(id, cluster.Silos[0].Address!, Guid.NewGuid());
        await cluster.Directory.RegisterAsync(stale, null, default);

        Assert.Equal(1, await cluster.GrainFactory.GetGrain<ICounterGrain>("stale").IncrementSlowlyAsync());
        Assert.NotEqual(stale, await cluster.Directory.LookupAsync(id, default));
    }

    [Fact]
    public async Task CorruptStateFailsActivationWithATypedErrorAndKeepsTheFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), "kms-actors-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var cluster = await Clusters.StartAsync(silos: 1, silo => silo.UseFileStorage(directory));
            var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("corrupt");
            await grain.AddAndSaveAsync(5);
            await grain.DeactivateAsync();
            await Clusters.WaitUntilAsync(() => cluster.Silos[0].ActivationCount == 0, "deactivated");

            string file = Directory.GetFiles(directory).Single();
            byte[] content = await File.ReadAllBytesAsync(file);
            await File.WriteAllBytesAsync(file, content[..(content.Length / 2)]);

            await Assert.ThrowsAsync<GrainStateCorruptedException>(() => grain.GetPersistedAsync().AsTask());
            Assert.Equal(content.Length / 2, new FileInfo(file).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
