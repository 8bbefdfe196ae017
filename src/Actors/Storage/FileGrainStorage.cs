using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Actors.Storage;

/// <summary>The embedded default storage: one file per grain state under a directory, replaced atomically
/// (write a temporary file, fsync it, rename over the old one, fsync the directory), so a crash leaves either the old
/// or the new version, never a mix. See <see cref="StateFileCodec"/> for the format.</summary>
/// <remarks>Version checks are atomic among all instances in one process that use the same directory (striped locks
/// keyed by file path). Several processes must not share a directory: use the PostgreSQL provider for a cluster.</remarks>
public sealed partial class FileGrainStorage : IGrainStorage
{
    private static readonly SemaphoreSlim[] s_stripes = CreateStripes(64);
    private readonly string _directory;
    private readonly byte[]? _storageKey;
    private readonly int _maxStateSize;

    /// <summary>Creates the provider and its directory.</summary>
    public FileGrainStorage(FileGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory, nameof(options.Directory));
        if (options.StorageKey is { Length: not 32 })
        {
            throw new ArgumentException("The storage key must be 32 bytes.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxStateSize);
        _directory = Path.GetFullPath(options.Directory);
        _storageKey = options.StorageKey?.ToArray();
        _maxStateSize = options.MaxStateSize;
        System.IO.Directory.CreateDirectory(_directory);
    }

    /// <summary>Returns the path of the file holding a grain state (for operators and tests).</summary>
    public string GetFilePath(GrainId grainId, string stateName)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(StateFileCodec.CanonicalId(grainId, stateName)));
        return Path.Combine(_directory, Convert.ToHexStringLower(hash) + ".state");
    }

    /// <inheritdoc/>
    public async Task<GrainStateRecord?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        string path = GetFilePath(grainId, stateName);
        SemaphoreSlim stripe = StripeOf(path);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadCoreAsync(grainId, stateName, path, cancellationToken).ConfigureAwait(false) is { } found
                ? new GrainStateRecord(found.Data, ETags.Format(found.Version), found.Exists)
                : null;
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <inheritdoc/>
    public Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellationToken)
    {
        if (data.Length > _maxStateSize)
        {
            throw new GrainStorageException($"State '{stateName}' of grain {grainId} is {data.Length} bytes; the limit is {_maxStateSize}.");
        }

        return StoreAsync(grainId, stateName, data, exists: true, expectedETag, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<string> ClearAsync(GrainId grainId, string stateName, string? expectedETag, CancellationToken cancellationToken)
        => StoreAsync(grainId, stateName, ReadOnlyMemory<byte>.Empty, exists: false, expectedETag, cancellationToken);

    private async Task<string> StoreAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> data, bool exists, string? expectedETag, CancellationToken cancellationToken)
    {
        string path = GetFilePath(grainId, stateName);
        SemaphoreSlim stripe = StripeOf(path);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await ReadCoreAsync(grainId, stateName, path, cancellationToken).ConfigureAwait(false);
            long stored = current?.Version ?? 0;
            ETags.Check(grainId, stateName, stored, expectedETag);
            long next = stored + 1;
            byte[] file = StateFileCodec.Encode(StateFileCodec.CanonicalId(grainId, stateName), next, exists, data.Span, _storageKey);
            await ReplaceAtomicallyAsync(path, file, cancellationToken).ConfigureAwait(false);
            return ETags.Format(next);
        }
        catch (IOException ex)
        {
            throw new GrainStorageException($"Could not write state '{stateName}' of grain {grainId}: {ex.Message}", ex);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<(long Version, bool Exists, byte[] Data)?> ReadCoreAsync(GrainId grainId, string stateName, string path, CancellationToken cancellationToken)
    {
        byte[] file;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
            long length = stream.Length;
            if (length > (long)_maxStateSize + StateFileCodec.HeaderSize + StateFileCodec.MaxIdLength + 64 + 32)
            {
                throw new GrainStateCorruptedException($"Grain state file '{Path.GetFileName(path)}' is corrupt: {length} bytes is over the size limit. It was left in place.");
            }

            file = new byte[length];
            await stream.ReadExactlyAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (EndOfStreamException ex)
        {
            throw new GrainStateCorruptedException($"Grain state file '{Path.GetFileName(path)}' changed size while being read.", ex);
        }
        catch (IOException ex)
        {
            throw new GrainStorageException($"Could not read state '{stateName}' of grain {grainId}: {ex.Message}", ex);
        }

        return StateFileCodec.Decode(file, StateFileCodec.CanonicalId(grainId, stateName), _storageKey, path);
    }

    private async Task ReplaceAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        string temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        // The rename is durable only once the directory entry is: fsync the directory too (POSIX).
        DirectorySync.Flush(_directory);
    }

    private static SemaphoreSlim StripeOf(string path)
        => s_stripes[(int)(StableHash.Of("file", path) % (ulong)s_stripes.Length)];

    private static SemaphoreSlim[] CreateStripes(int count)
    {
        var stripes = new SemaphoreSlim[count];
        for (int i = 0; i < count; i++)
        {
            stripes[i] = new SemaphoreSlim(1, 1);
        }

        return stripes;
    }

    private static partial class DirectorySync
    {
        public static void Flush(string directory)
        {
            // Windows has no directory fsync; NTFS journals the rename itself.
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            int fd = Open(directory, 0 /* O_RDONLY */);
            if (fd < 0)
            {
                throw new IOException($"Could not open directory for fsync (errno {Marshal.GetLastPInvokeError()}).");
            }

            try
            {
                if (FSync(fd) != 0)
                {
                    throw new IOException($"fsync of the state directory failed (errno {Marshal.GetLastPInvokeError()}).");
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        private static partial int FSync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        private static partial int Close(int fd);
    }
}
