using System.Collections.Concurrent;

namespace Kms.Attestation.Intel;

/// <summary>
/// A bounded cache of parsed and verified collateral, keyed by a kind and the bytes the value was derived from. Lookup
/// uses a fast per-process-randomized hash of those bytes and then compares the bytes themselves, so an entry is only
/// ever returned for exactly the input it was derived from (a hash collision is a miss, never a wrong hit). Inputs
/// longer than 512 bytes are hashed over their length, both ends and a stride of 8-byte words rather than every byte:
/// the hash only picks the slot, the full comparison decides, and a verification touches ~20 KB of collateral.
/// Failed derivations are not cached. When full, the cache is emptied (collateral changes rarely; a refill is cheap).
/// </summary>
public sealed class VerificationCache
{
    private readonly ConcurrentDictionary<(string Kind, int Hash), Entry> _entries = new();

    /// <param name="capacity">Maximum number of entries before the cache is emptied. Default 1024.</param>
    public VerificationCache(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>Returns the cached value for (kind, a, b) or derives, stores and returns it.</summary>
    public T GetOrAdd<T>(string kind, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Func<T> derive)
        where T : class
    {
        HashCode hash = default;
        AddSample(ref hash, a);
        AddSample(ref hash, b);
        (string, int) key = (kind, hash.ToHashCode());
        if (_entries.TryGetValue(key, out Entry? cached) && a.SequenceEqual(cached.A) && b.SequenceEqual(cached.B))
        {
            return (T)cached.Value;
        }

        T value = derive();
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = new Entry(a.ToArray(), b.ToArray(), value);
        return value;
    }

    private static void AddSample(ref HashCode hash, ReadOnlySpan<byte> bytes)
    {
        hash.Add(bytes.Length);
        if (bytes.Length <= 512)
        {
            hash.AddBytes(bytes);
            return;
        }

        hash.AddBytes(bytes[..128]);
        hash.AddBytes(bytes[^128..]);
        int stride = (bytes.Length - 8) / 32;
        for (int i = 0; i < 32; i++)
        {
            hash.Add(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * stride)..]));
        }
    }

    private sealed record Entry(byte[] A, byte[] B, object Value);
}
