using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Kms.Grains.Storage;

/// <summary>
/// The embedded default grain storage: one file per grain state, replaced atomically (write a temporary file, fsync,
/// rename over the old one, fsync the directory), so a crash leaves the old or the new version, never a mix. ETags
/// are version numbers checked on every write; a damaged or foreign file is an error, never an empty state.
/// </summary>
/// <remarks>Version checks are atomic among the writers of one process (striped locks by file); a data directory is
/// locked to one silo process. A cluster of several processes uses Azure Storage or PostgreSQL instead.</remarks>
public sealed class FileGrainStorage : IGrainStorage
{
    private static readonly SemaphoreSlim[] s_stripes = CreateStripes(64);
    private readonly string _directory;
    private readonly int _maxStateSize;
    private readonly Serializer _serializer;
    private readonly IActivatorProvider _activators;

    /// <summary>Creates the storage and its directory.</summary>
    public FileGrainStorage(FileGrainStorageOptions options, Serializer serializer, IActivatorProvider activators)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory, nameof(options.Directory));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxStateSize);
        _directory = Path.GetFullPath(options.Directory);
        _maxStateSize = options.MaxStateSize;
        _serializer = serializer;
        _activators = activators;
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The path of the file that holds a grain state (for operators and tests).</summary>
    public string GetFilePath(GrainId grainId, string stateName)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(GrainStateFile.CanonicalId(grainId, stateName)));
        return Path.Combine(_directory, Convert.ToHexStringLower(hash) + ".state");
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        string path = GetFilePath(grainId, stateName);
        SemaphoreSlim stripe = StripeOf(path);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GrainStateFile.Content? content = await ReadFileAsync(grainId, stateName, path, cancellationToken).ConfigureAwait(false);
            grainState.ETag = content is { } found ? FormatETag(found.Version) : null;
            grainState.RecordExists = content is { Exists: true };
            // A missing or cleared state resets the caller's copy, as Orleans' providers do: a re-read after a clear
            // elsewhere must not keep the old state to write back.
            grainState.State = content is { Exists: true } existing
                ? _serializer.Deserialize<T>(existing.Payload)
                : _activators.GetActivator<T>().Create();
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        byte[] payload = _serializer.SerializeToArray(grainState.State);
        if (payload.Length > _maxStateSize)
        {
            throw new OrleansException(
                $"State '{stateName}' of grain {grainId} is {payload.Length} bytes; the limit is {_maxStateSize}.");
        }

        grainState.ETag = await StoreAsync(grainId, stateName, payload, exists: true, grainState.ETag, cancellationToken).ConfigureAwait(false);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        // A cleared state keeps its file (flagged, empty) so that its version keeps rising: a stale writer that
        // still holds an older ETag conflicts instead of resurrecting the state.
        grainState.ETag = await StoreAsync(grainId, stateName, [], exists: false, grainState.ETag, cancellationToken).ConfigureAwait(false);
        grainState.RecordExists = false;
    }

    private async Task<string> StoreAsync(
        GrainId grainId, string stateName, byte[] payload, bool exists, string? expectedETag, CancellationToken cancellationToken)
    {
        string path = GetFilePath(grainId, stateName);
        SemaphoreSlim stripe = StripeOf(path);
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            GrainStateFile.Content? current = await ReadFileAsync(grainId, stateName, path, cancellationToken).ConfigureAwait(false);
            string? storedETag = current is { } found ? FormatETag(found.Version) : null;
            if (!string.Equals(storedETag, expectedETag, StringComparison.Ordinal))
            {
                throw new InconsistentStateException(
                    $"State '{stateName}' of grain {grainId} was written by someone else.", storedETag, expectedETag);
            }

            long next = (current?.Version ?? 0) + 1;
            byte[] file = GrainStateFile.Encode(GrainStateFile.CanonicalId(grainId, stateName), next, exists, payload);
            await ReplaceAtomicallyAsync(path, file, cancellationToken).ConfigureAwait(false);
            return FormatETag(next);
        }
        catch (IOException exception)
        {
            throw new OrleansException($"Could not write state '{stateName}' of grain {grainId}: {exception.Message}", exception);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<GrainStateFile.Content?> ReadFileAsync(GrainId grainId, string stateName, string path, CancellationToken cancellationToken)
    {
        byte[] file;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
            if (stream.Length > (long)_maxStateSize + GrainStateFile.HeaderSize + GrainStateFile.MaxIdLength + SHA256.HashSizeInBytes)
            {
                throw new GrainStateCorruptedException(
                    $"Grain state file '{Path.GetFileName(path)}' is corrupt: {stream.Length} bytes is over the size limit. It was left in place.");
            }

            file = new byte[stream.Length];
            await stream.ReadExactlyAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (EndOfStreamException exception)
        {
            throw new GrainStateCorruptedException($"Grain state file '{Path.GetFileName(path)}' changed size while being read.", exception);
        }
        catch (IOException exception)
        {
            throw new OrleansException($"Could not read state '{stateName}' of grain {grainId}: {exception.Message}", exception);
        }

        return GrainStateFile.Decode(file, GrainStateFile.CanonicalId(grainId, stateName), path);
    }

    private async Task ReplaceAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        string temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        try
        {
            var create = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1,
                Options = FileOptions.Asynchronous,
            };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(temporary, create))
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

        DirectorySync.Flush(_directory);
    }

    private static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static SemaphoreSlim StripeOf(string path)
        => s_stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(path) % (uint)s_stripes.Length)];

    private static SemaphoreSlim[] CreateStripes(int count)
    {
        var stripes = new SemaphoreSlim[count];
        for (int i = 0; i < count; i++)
        {
            stripes[i] = new SemaphoreSlim(1, 1);
        }

        return stripes;
    }
}
