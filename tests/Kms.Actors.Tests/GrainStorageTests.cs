using System.Security.Cryptography;
using System.Text;
using Kms.Actors.Storage;

namespace Kms.Actors.Tests;

/// <summary>The storage contract (after Orleans' GrainStorageTestRunner), for every provider.</summary>
public sealed class GrainStorageContractTests : IDisposable
{
    private static readonly GrainId s_grain = new("contract", "key/with:odd chars");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kms-actors-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Providers => new() { "memory", "file", "file-sealed" };

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadOfAMissingStateIsNull(string provider)
        => Assert.Null(await Create(provider).ReadAsync(s_grain, "state", default));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WritesChangeTheETagAndReadBack(string provider)
    {
        IGrainStorage storage = Create(provider);
        string first = await storage.WriteAsync(s_grain, "state", "{\"a\":1}"u8.ToArray(), null, default);
        string second = await storage.WriteAsync(s_grain, "state", "{\"a\":2}"u8.ToArray(), first, default);

        Assert.NotEqual(first, second);
        GrainStateRecord record = (await storage.ReadAsync(s_grain, "state", default))!;
        Assert.Equal("{\"a\":2}", Encoding.UTF8.GetString(record.Data.Span));
        Assert.Equal(second, record.ETag);
        Assert.True(record.RecordExists);
        Assert.Null(await storage.ReadAsync(s_grain, "other-state", default));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StaleOrMissingETagsAreRejected(string provider)
    {
        IGrainStorage storage = Create(provider);
        string first = await storage.WriteAsync(s_grain, "state", "1"u8.ToArray(), null, default);
        await storage.WriteAsync(s_grain, "state", "2"u8.ToArray(), first, default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(s_grain, "state", "3"u8.ToArray(), first, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(s_grain, "state", "3"u8.ToArray(), null, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(s_grain, "state", "3"u8.ToArray(), "not-a-version", default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearAsync(s_grain, "state", first, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(s_grain, "fresh", "1"u8.ToArray(), "1", default));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ClearLeavesAVersionedTombstone(string provider)
    {
        IGrainStorage storage = Create(provider);
        string written = await storage.WriteAsync(s_grain, "state", "1"u8.ToArray(), null, default);
        string cleared = await storage.ClearAsync(s_grain, "state", written, default);

        GrainStateRecord record = (await storage.ReadAsync(s_grain, "state", default))!;
        Assert.False(record.RecordExists);
        Assert.Equal(cleared, record.ETag);
        Assert.True(record.Data.IsEmpty);

        // Neither the pre-clear ETag nor "no record" may write after a clear (no ABA).
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(s_grain, "state", "2"u8.ToArray(), written, default));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(s_grain, "state", "2"u8.ToArray(), null, default));
        await storage.WriteAsync(s_grain, "state", "2"u8.ToArray(), cleared, default);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentWritersWithTheSameETagHaveExactlyOneWinner(string provider)
    {
        IGrainStorage storage = Create(provider);
        string etag = await storage.WriteAsync(s_grain, "state", "0"u8.ToArray(), null, default);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await storage.WriteAsync(s_grain, "state", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), etag, default);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Single(attempts, won => won);
    }

    private IGrainStorage Create(string provider) => provider switch
    {
        "memory" => new InMemoryGrainStorage(),
        "file" => new FileGrainStorage(new FileGrainStorageOptions { Directory = _directory }),
        _ => new FileGrainStorage(new FileGrainStorageOptions { Directory = _directory, StorageKey = RandomNumberGenerator.GetBytes(32) }),
    };
}
