namespace Kms.Actors.Storage;

/// <summary>Grain storage in process memory, for tests and the single-process TestCluster. Data is copied in and out,
/// so callers never share buffers with the store.</summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string Type, string Key, string State), Entry> _entries = [];
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public Task<GrainStateRecord?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_entries.TryGetValue((grainId.Type, grainId.Key, stateName), out Entry entry)
                ? new GrainStateRecord(entry.Data.ToArray(), ETags.Format(entry.Version), entry.Exists)
                : null);
        }
    }

    /// <inheritdoc/>
    public Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellationToken)
        => Task.FromResult(Store(grainId, stateName, data.ToArray(), exists: true, expectedETag, cancellationToken));

    /// <inheritdoc/>
    public Task<string> ClearAsync(GrainId grainId, string stateName, string? expectedETag, CancellationToken cancellationToken)
        => Task.FromResult(Store(grainId, stateName, [], exists: false, expectedETag, cancellationToken));

    private string Store(GrainId grainId, string stateName, byte[] data, bool exists, string? expectedETag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (grainId.Type, grainId.Key, stateName);
            long stored = _entries.TryGetValue(key, out Entry entry) ? entry.Version : 0;
            ETags.Check(grainId, stateName, stored, expectedETag);
            _entries[key] = new Entry(data, stored + 1, exists);
            return ETags.Format(stored + 1);
        }
    }

    private readonly record struct Entry(byte[] Data, long Version, bool Exists);
}
