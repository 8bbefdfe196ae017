using System.Globalization;

namespace Kms.Actors.Storage;

/// <summary>A stored grain state: the serialized state and its version.</summary>
/// <param name="Data">UTF-8 JSON of the state; empty when <paramref name="RecordExists"/> is false.</param>
/// <param name="ETag">Version of the record (or of its tombstone after a clear).</param>
/// <param name="RecordExists">False when the state was cleared.</param>
public sealed record GrainStateRecord(ReadOnlyMemory<byte> Data, string ETag, bool RecordExists);

/// <summary>Stores grain states with optimistic concurrency. ETags are decimal version numbers that only go up:
/// a write or clear succeeds only if the stored version equals the expected one (<see langword="null"/> = no record
/// ever existed), and then stores version + 1. A clear leaves a versioned tombstone rather than deleting, so a stale
/// activation cannot succeed by accident after a clear-then-recreate (no ABA).</summary>
public interface IGrainStorage
{
    /// <summary>Reads a state; <see langword="null"/> if it was never written.</summary>
    /// <exception cref="GrainStorageException">The stored record is unreadable (corrupt, truncated, wrong key).</exception>
    Task<GrainStateRecord?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken);

    /// <summary>Writes a state if the stored version equals <paramref name="expectedETag"/>; returns the new ETag.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task<string> WriteAsync(GrainId grainId, string stateName, ReadOnlyMemory<byte> data, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>Clears a state (writes a tombstone) if the stored version equals <paramref name="expectedETag"/>;
    /// returns the tombstone's ETag.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task<string> ClearAsync(GrainId grainId, string stateName, string? expectedETag, CancellationToken cancellationToken);
}

/// <summary>A storage provider could not read or write a state for a reason other than a version conflict.</summary>
public class GrainStorageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A stored state failed its integrity checks (bad magic, unknown format, truncated, checksum or
/// authentication failure, belongs to another grain). The record is kept as is for investigation; it is never
/// replaced by an empty state.</summary>
public sealed class GrainStateCorruptedException(string message, Exception? inner = null) : GrainStorageException(message, inner);

internal static class ETags
{
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Checks <paramref name="expected"/> against the stored version (0 = no record ever).</summary>
    public static void Check(GrainId grainId, string stateName, long storedVersion, string? expected)
    {
        long expectedVersion = 0;
        if (expected is not null
            && (!long.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out expectedVersion) || expectedVersion <= 0))
        {
            expectedVersion = -1;
        }

        if (expectedVersion != storedVersion)
        {
            string? stored = storedVersion == 0 ? null : Format(storedVersion);
            throw new InconsistentStateException(
                $"Version conflict on state '{stateName}' of grain {grainId}: stored ETag is '{stored ?? "none"}', the activation had '{expected ?? "none"}'.",
                stored,
                expected);
        }
    }
}
