using Kms.Grains.Storage;
using Orleans.Storage;
using static Kms.Grains.Tests.Storage.StorageTestKit;

namespace Kms.Grains.Tests.Storage;

public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId s_grain = Ledger;
    private readonly StorageTestKit _kit = new();
    private readonly string _directory;
    private readonly FileGrainStorage _storage;

    public FileGrainStorageTests()
    {
        _directory = _kit.Directory;
        _storage = _kit.CreateFileStorage();
    }

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task AMissingState_ReadsAsNoRecord_WithoutETag()
    {
        GrainState<List<byte>> state = await ReadAsync(s_grain);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Writes_RoundTrip_ChangeTheETag_AndLeaveNoTemporaryFiles()
    {
        var state = new GrainState<List<byte>>([1, 2, 3]);
        var etags = new List<string?>();
        for (int i = 0; i < 5; i++)
        {
            state.State = [(byte)i, 2, 3];
            await _storage.WriteStateAsync(StateName, s_grain, state);
            etags.Add(state.ETag);
        }

        GrainState<List<byte>> read = await ReadAsync(s_grain);

        Assert.Equal(etags.Count, etags.Distinct().Count());
        Assert.True(read.RecordExists);
        Assert.Equal(etags[^1], read.ETag);
        Assert.Equal([4, 2, 3], read.State);
        Assert.Equal([_storage.GetFilePath(s_grain, StateName)], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task AWriteWithAStaleETag_OrAsIfNew_Conflicts_AndChangesNothing()
    {
        var first = new GrainState<List<byte>>([1]);
        await _storage.WriteStateAsync(StateName, s_grain, first);
        string? staleETag = first.ETag;
        await _storage.WriteStateAsync(StateName, s_grain, first);

        var stale = new GrainState<List<byte>>([9], staleETag);
        var fresh = new GrainState<List<byte>>([9]);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, s_grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, s_grain, fresh));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _storage.WriteStateAsync(StateName, GrainId.Create("ledger", "new"), new GrainState<List<byte>>([9], "1")));
        GrainState<List<byte>> read = await ReadAsync(s_grain);
        Assert.Equal([1], read.State);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task ConcurrentWriters_WithTheSameETag_OnlyOneWins()
    {
        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([0]));
        string? etag = (await ReadAsync(s_grain)).ETag;

        Task[] writes = Enumerable.Range(1, 16)
            .Select(i => Task.Run(() => _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([(byte)i], etag))))
            .ToArray();
        await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(1, writes.Count(write => write.IsCompletedSuccessfully));
        Assert.All(writes.Where(write => write.IsFaulted), write => Assert.IsType<InconsistentStateException>(write.Exception!.InnerException));
    }

    [Fact]
    public async Task Clear_KeepsTheVersionRising_SoAStaleWriterCannotResurrectTheState()
    {
        var state = new GrainState<List<byte>>([1]);
        await _storage.WriteStateAsync(StateName, s_grain, state);
        string? beforeClear = state.ETag;
        await _storage.ClearStateAsync(StateName, s_grain, state);

        GrainState<List<byte>> read = await ReadAsync(s_grain);

        Assert.False(read.RecordExists);
        Assert.NotNull(read.ETag);
        Assert.Equal(state.ETag, read.ETag);
        Assert.True(long.Parse(read.ETag!) > long.Parse(beforeClear!));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([2], beforeClear)));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([2])));
        await _storage.WriteStateAsync(StateName, s_grain, state);
        Assert.True((await ReadAsync(s_grain)).RecordExists);
    }

    [Fact]
    public Task AReRead_OfAClearedState_ResetsTheCallersCopy()
        => AssertAReReadAfterAClearElsewhereResetsTheStateAsync(_storage);

    [Fact]
    public async Task AFileCopiedToAnotherGrainsName_IsRefused()
    {
        GrainId other = GrainId.Create("ledger", "beta");
        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([1]));
        File.Copy(_storage.GetFilePath(s_grain, StateName), _storage.GetFilePath(other, StateName));

        var error = await Assert.ThrowsAsync<GrainStateCorruptedException>(() => ReadAsync(other));

        Assert.Contains("belongs to another grain state", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GrainStateCorruptedException>(
            () => _storage.WriteStateAsync(StateName, other, new GrainState<List<byte>>([2], "1")));
    }

    public static TheoryData<string> Damages => new() { "truncate", "extend", "flip" };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task ADamagedFile_IsReportedCorrupt_AndLeftInPlace(string damage)
    {
        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([1, 2, 3, 4]));
        string path = _storage.GetFilePath(s_grain, StateName);
        byte[] file = File.ReadAllBytes(path);
        byte[] damaged = damage switch
        {
            "truncate" => file[..^1],
            "extend" => [.. file, 0],
            _ => Flip(file, file.Length / 2),
        };
        File.WriteAllBytes(path, damaged);

        var error = await Assert.ThrowsAsync<GrainStateCorruptedException>(() => ReadAsync(s_grain));
        await Assert.ThrowsAsync<GrainStateCorruptedException>(
            () => _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([5], "1")));

        Assert.Contains("It was left in place", error.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task RandomAndMutatedFiles_OnDisk_AreReportedCorrupt_NeverReadAsAState()
    {
        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([1, 2, 3]));
        string path = _storage.GetFilePath(s_grain, StateName);
        byte[] valid = File.ReadAllBytes(path);
        var random = new Random(5869);
        for (int i = 0; i < 300; i++)
        {
            byte[] content = i % 2 == 0 ? new byte[random.Next(0, 200)] : (byte[])valid.Clone();
            if (i % 2 == 0)
            {
                random.NextBytes(content);
            }
            else
            {
                content[random.Next(content.Length)] ^= (byte)random.Next(1, 256);
            }

            File.WriteAllBytes(path, content);
            await Assert.ThrowsAsync<GrainStateCorruptedException>(() => ReadAsync(s_grain));
        }
    }

    [Fact]
    public async Task AnOversizeState_IsRefused_AndAnOversizeFile_IsNotRead()
    {
        FileGrainStorage small = _kit.CreateFileStorage(maxStateSize: 64);

        await Assert.ThrowsAsync<OrleansException>(() => small.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([.. new byte[100]])));
        Assert.Empty(Directory.GetFiles(_directory));

        await _storage.WriteStateAsync(StateName, s_grain, new GrainState<List<byte>>([.. new byte[100_000]]));
        var error = await Assert.ThrowsAsync<GrainStateCorruptedException>(
            () => small.ReadStateAsync(StateName, s_grain, new GrainState<List<byte>>()));
        Assert.Contains("over the size limit", error.Message, StringComparison.Ordinal);
    }

    private Task<GrainState<List<byte>>> ReadAsync(GrainId grain) => ReadAsync<List<byte>>(_storage, grain);

    private static byte[] Flip(byte[] file, int index)
    {
        byte[] flipped = (byte[])file.Clone();
        flipped[index] ^= 0x10;
        return flipped;
    }
}
