using System.Security.Cryptography;
using System.Text;
using Kms.Actors.Storage;

namespace Kms.Actors.Tests;

public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId s_grain = new("file-test", "grain-1");
    private static readonly byte[] s_state = Encoding.UTF8.GetBytes("""{"secret":"top-secret-value","n":42}""");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kms-actors-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task WritesReplaceTheFileByRenameAndLeaveNoTemporaryFiles()
    {
        var storage = new FileGrainStorage(new FileGrainStorageOptions { Directory = _directory });
        string etag = await storage.WriteAsync(s_grain, "state", s_state, null, default);
        string path = storage.GetFilePath(s_grain, "state");
        byte[] before = await File.ReadAllBytesAsync(path);

        // A reader holding the old file keeps seeing the complete old version: the new version is a new file
        // renamed over the old name, not the old file rewritten in place.
        await using (var oldReader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            await storage.WriteAsync(s_grain, "state", "{}"u8.ToArray(), etag, default);
            byte[] seen = new byte[before.Length + 10];
            int read = await oldReader.ReadAtLeastAsync(seen, seen.Length, throwOnEndOfStream: false);
            Assert.Equal(before, seen[..read]);
        }

        Assert.Equal([path], Directory.GetFiles(_directory));
        Assert.Equal("{}", Encoding.UTF8.GetString((await storage.ReadAsync(s_grain, "state", default))!.Data.Span));
    }

    [Fact]
    public async Task ALeftoverTemporaryFileFromACrashDoesNotAffectTheState()
    {
        var storage = new FileGrainStorage(new FileGrainStorageOptions { Directory = _directory });
        string etag = await storage.WriteAsync(s_grain, "state", s_state, null, default);
        string path = storage.GetFilePath(s_grain, "state");
        await File.WriteAllBytesAsync(path + ".0011223344556677.tmp", (await File.ReadAllBytesAsync(path))[..20]);

        GrainStateRecord record = (await storage.ReadAsync(s_grain, "state", default))!;
        Assert.Equal(s_state, record.Data.ToArray());
        Assert.Equal(etag, record.ETag);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryTruncationAndEveryBitFlipIsReportedAsCorruption(bool sealed_)
    {
        var storage = Create(sealed_ ? RandomNumberGenerator.GetBytes(32) : null);
        await storage.WriteAsync(s_grain, "state", s_state, null, default);
        string path = storage.GetFilePath(s_grain, "state");
        byte[] valid = await File.ReadAllBytesAsync(path);

        for (int length = 0; length < valid.Length; length++)
        {
            await File.WriteAllBytesAsync(path, valid[..length]);
            await Assert.ThrowsAsync<GrainStateCorruptedException>(() => storage.ReadAsync(s_grain, "state", default));
        }

        for (int i = 0; i < valid.Length; i++)
        {
            byte[] flipped = (byte[])valid.Clone();
            flipped[i] ^= (byte)(1 << (i % 8));
            await File.WriteAllBytesAsync(path, flipped);
            await Assert.ThrowsAsync<GrainStateCorruptedException>(() => storage.ReadAsync(s_grain, "state", default));
        }

        await File.WriteAllBytesAsync(path, [.. valid, 0]);
        await Assert.ThrowsAsync<GrainStateCorruptedException>(() => storage.ReadAsync(s_grain, "state", default));

        // A write never replaces a corrupt file with a fresh state.
        await Assert.ThrowsAsync<GrainStateCorruptedException>(() => storage.WriteAsync(s_grain, "state", "{}"u8.ToArray(), null, default));
    }

    [Fact]
    public async Task RandomAndMutatedFilesNeverCrashTheReader()
    {
        var random = new Random(20261121);
        var storage = Create(null);
        await storage.WriteAsync(s_grain, "state", s_state, null, default);
        string path = storage.GetFilePath(s_grain, "state");
        byte[] valid = await File.ReadAllBytesAsync(path);

        for (int i = 0; i < 300; i++)
        {
            byte[] content;
            if (i % 2 == 0)
            {
                content = new byte[random.Next(0, 400)];
                random.NextBytes(content);
                if (content.Length >= 4 && i % 4 == 0)
                {
                    "KGST"u8.CopyTo(content); // get past the magic check
                }
            }
            else
            {
                content = (byte[])valid.Clone();
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    content[random.Next(content.Length)] = (byte)random.Next(256);
                }

                if (content.AsSpan().SequenceEqual(valid))
                {
                    continue;
                }
            }

            await File.WriteAllBytesAsync(path, content);
            await Assert.ThrowsAsync<GrainStateCorruptedException>(() => storage.ReadAsync(s_grain, "state", default));
        }
    }

    [Fact]
    public async Task AFileCopiedOverAnotherGrainsFileIsRejected()
    {
        var storage = Create(null);
        var other = new GrainId("file-test", "grain-2");
        await storage.WriteAsync(s_grain, "state", s_state, null, default);
        await storage.WriteAsync(other, "state", "{}"u8.ToArray(), null, default);

        File.Copy(storage.GetFilePath(s_grain, "state"), storage.GetFilePath(other, "state"), overwrite: true);

        var ex = await Assert.ThrowsAsync<GrainStateCorruptedException>(() => storage.ReadAsync(other, "state", default));
        Assert.Contains("another grain", ex.Message);
    }

    [Fact]
    public async Task SealedStateIsEncryptedAndNeedsTheClusterKey()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        var storage = Create(key);
        string etag = await storage.WriteAsync(s_grain, "state", s_state, null, default);
        byte[] file = await File.ReadAllBytesAsync(storage.GetFilePath(s_grain, "state"));

        Assert.Equal(-1, file.AsSpan().IndexOf("top-secret"u8));
        Assert.Equal(s_state, (await storage.ReadAsync(s_grain, "state", default))!.Data.ToArray());

        var ex = await Assert.ThrowsAsync<GrainStateCorruptedException>(() => Create(RandomNumberGenerator.GetBytes(32)).ReadAsync(s_grain, "state", default));
        Assert.Contains("authentication failed", ex.Message);
        await Assert.ThrowsAsync<GrainStateCorruptedException>(() => Create(null).ReadAsync(s_grain, "state", default));

        // A sealed tombstone from clear is authenticated too.
        await storage.ClearAsync(s_grain, "state", etag, default);
        Assert.False((await storage.ReadAsync(s_grain, "state", default))!.RecordExists);
        await Assert.ThrowsAsync<GrainStateCorruptedException>(() => Create(RandomNumberGenerator.GetBytes(32)).ReadAsync(s_grain, "state", default));
    }

    [Fact]
    public async Task TheFileFormatIsTheDocumentedOne()
    {
        var storage = Create(null);
        await storage.WriteAsync(s_grain, "state", s_state, null, default);
        byte[] file = await File.ReadAllBytesAsync(storage.GetFilePath(s_grain, "state"));

        Assert.Equal("KGST"u8.ToArray(), file[..4]);
        Assert.Equal(new byte[] { 0, 1, 0, 0 }, file[4..8]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 }, file[8..16]);
        Assert.Equal(SHA256.HashData(file[..^32]), file[^32..]);
        Assert.Equal(s_state, file[^(32 + s_state.Length)..^32]);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => new FileGrainStorage(new FileGrainStorageOptions { Directory = "" }));
        Assert.Throws<ArgumentException>(() => new FileGrainStorage(new FileGrainStorageOptions { Directory = _directory, StorageKey = new byte[16] }));
    }

    [Fact]
    public async Task OversizedStatesAreRefused()
    {
        var storage = new FileGrainStorage(new FileGrainStorageOptions { Directory = _directory, MaxStateSize = 16 });
        await Assert.ThrowsAsync<GrainStorageException>(() => storage.WriteAsync(s_grain, "state", new byte[17], null, default));
    }

    private FileGrainStorage Create(byte[]? key) => new(new FileGrainStorageOptions { Directory = _directory, StorageKey = key });
}
