using Kms.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Kms.Grains.Tests.Storage;

/// <summary>A file store in a temporary directory, with Orleans' serializer and activators, for storage tests.</summary>
internal sealed class StorageTestKit : IDisposable
{
    public const string StateName = "state";
    private static readonly ServiceProvider s_services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public static Serializer Serializer => s_services.GetRequiredService<Serializer>();

    public static IActivatorProvider Activators => s_services.GetRequiredService<IActivatorProvider>();

    /// <summary>The grain most tests store.</summary>
    public static GrainId Ledger { get; } = GrainId.Create("ledger", "alpha");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "kms-storage-tests-" + Guid.NewGuid().ToString("N"));

    public FileGrainStorage CreateFileStorage(int maxStateSize = FileGrainStorageOptions.DefaultMaxStateSize)
        => new(new FileGrainStorageOptions { Directory = Directory, MaxStateSize = maxStateSize }, Serializer, Activators);

    public static async Task<GrainState<T>> ReadAsync<T>(IGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<T>();
        await storage.ReadStateAsync(StateName, grain, state);
        return state;
    }

    /// <summary>The contract Orleans' providers keep: a re-read that finds the state cleared by another writer
    /// resets the caller's copy (and takes the new ETag) instead of keeping the old state to write back.</summary>
    public static async Task AssertAReReadAfterAClearElsewhereResetsTheStateAsync(IGrainStorage storage)
    {
        var holder = new GrainState<List<string>>(["old"]);
        await storage.WriteStateAsync(StateName, Ledger, holder);
        GrainState<List<string>> other = await ReadAsync<List<string>>(storage, Ledger);
        await storage.ClearStateAsync(StateName, Ledger, other);

        await storage.ReadStateAsync(StateName, Ledger, holder);

        Assert.False(holder.RecordExists);
        Assert.Equal(other.ETag, holder.ETag);
        Assert.Empty(holder.State!);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
