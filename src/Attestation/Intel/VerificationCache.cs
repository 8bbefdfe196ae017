using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Kms.Attestation.Intel;

/// <summary>
/// A bounded cache of parsed and verified collateral, keyed by a kind and the SHA-256 of the bytes it was derived from.
/// Failed derivations are not cached. When full, the cache is emptied (collateral changes rarely; a refill is cheap).
/// </summary>
public sealed class VerificationCache
{
    private readonly ConcurrentDictionary<string, object> _entries = new(StringComparer.Ordinal);

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
        Span<byte> hashes = stackalloc byte[64];
        SHA256.HashData(a, hashes[..32]);
        SHA256.HashData(b, hashes[32..]);
        string key = string.Concat(kind, ":", Convert.ToBase64String(hashes));
        if (_entries.TryGetValue(key, out object? cached))
        {
            return (T)cached;
        }

        T value = derive();
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = value;
        return value;
    }
}
