using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Actors;

/// <summary>Identity of a grain: its grain type and its string key.</summary>
/// <remarks><see cref="GetStableHash"/> is what placement and storage use; it is the same in every process and
/// every version of .NET, unlike <see cref="string.GetHashCode()"/>, which is randomized per process.</remarks>
public readonly record struct GrainId
{
    /// <summary>Creates a grain id.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
    }

    /// <summary>The grain type name (see <see cref="GrainTypeAttribute"/>).</summary>
    public string Type { get; }

    /// <summary>The grain's string key.</summary>
    public string Key { get; }

    /// <summary>A stable 64-bit hash: the first eight bytes (big-endian) of SHA-256 over
    /// <c>len(type) ‖ type ‖ key</c> in UTF-8, so that no two distinct ids share a preimage.</summary>
    public ulong GetStableHash() => StableHash.Of(Type, Key);

    /// <inheritdoc/>
    public override string ToString() => $"{Type}/{Key}";
}

internal static class StableHash
{
    /// <summary>SHA-256 of <c>u32be(len(a)) ‖ a ‖ b</c>, truncated to 64 bits.</summary>
    public static ulong Of(string a, string b)
    {
        int length = 4 + Encoding.UTF8.GetByteCount(a) + Encoding.UTF8.GetByteCount(b);
        byte[]? rented = null;
        Span<byte> buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            int aLength = Encoding.UTF8.GetBytes(a, buffer[4..]);
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)aLength);
            int bLength = Encoding.UTF8.GetBytes(b, buffer[(4 + aLength)..]);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..(4 + aLength + bLength)], digest);
            return BinaryPrimitives.ReadUInt64BigEndian(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
