using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Grains.Storage;

/// <summary>Encodes and decodes the file that holds one grain state in <see cref="FileGrainStorage"/>.</summary>
/// <remarks>
/// Layout (integers big-endian):
/// <code>
/// magic "KGSF" | u16 format = 1 | u8 flags (1 = cleared) | u8 0 | u64 version | u32 idLength | u32 payloadLength
/// | id (UTF-8) | payload | SHA-256 over everything before it
/// </code>
/// The id names the grain type, key and state, so a file copied under another grain's name is refused. The checksum
/// catches damage with a clear error; secrecy and authenticity come from the sealing layer above the store.
/// </remarks>
internal static class GrainStateFile
{
    public const int HeaderSize = 24;
    public const int MaxIdLength = 16 * 1024;
    private const ushort FormatVersion = 1;
    private const byte ClearedFlag = 1;
    private static ReadOnlySpan<byte> Magic => "KGSF"u8;

    /// <summary>A decoded file.</summary>
    public readonly record struct Content(long Version, bool Exists, byte[] Payload);

    public static string CanonicalId(GrainId grainId, string stateName)
    {
        string type = grainId.Type.ToString()!;
        string key = grainId.Key.ToString()!;
        return $"{type.Length}:{type}|{key.Length}:{key}|{stateName.Length}:{stateName}";
    }

    public static byte[] Encode(string canonicalId, long version, bool exists, ReadOnlySpan<byte> payload)
    {
        byte[] id = Encoding.UTF8.GetBytes(canonicalId);
        byte[] file = new byte[HeaderSize + id.Length + payload.Length + SHA256.HashSizeInBytes];
        Span<byte> span = file;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], FormatVersion);
        span[6] = exists ? (byte)0 : ClearedFlag;
        BinaryPrimitives.WriteInt64BigEndian(span[8..], version);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], (uint)id.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[20..], (uint)payload.Length);
        id.CopyTo(span[HeaderSize..]);
        payload.CopyTo(span[(HeaderSize + id.Length)..]);
        SHA256.HashData(span[..^SHA256.HashSizeInBytes], span[^SHA256.HashSizeInBytes..]);
        return file;
    }

    /// <summary>Decodes a file of <paramref name="canonicalId"/>.</summary>
    /// <exception cref="GrainStateCorruptedException">The file is anything but a well-formed file of that state.</exception>
    public static Content Decode(ReadOnlySpan<byte> file, string canonicalId, string path)
    {
        if (file.Length < HeaderSize + SHA256.HashSizeInBytes)
        {
            throw Corrupted(path, $"file is truncated ({file.Length} bytes)");
        }

        if (!file[..4].SequenceEqual(Magic))
        {
            throw Corrupted(path, "bad magic");
        }

        ushort format = BinaryPrimitives.ReadUInt16BigEndian(file[4..]);
        if (format != FormatVersion)
        {
            throw Corrupted(path, $"unknown format version {format}");
        }

        byte flags = file[6];
        long version = BinaryPrimitives.ReadInt64BigEndian(file[8..]);
        uint idLength = BinaryPrimitives.ReadUInt32BigEndian(file[16..]);
        uint payloadLength = BinaryPrimitives.ReadUInt32BigEndian(file[20..]);
        if ((flags & ~ClearedFlag) != 0 || file[7] != 0 || version <= 0 || idLength > MaxIdLength
            || (ulong)HeaderSize + idLength + payloadLength + SHA256.HashSizeInBytes != (ulong)file.Length)
        {
            throw Corrupted(path, "inconsistent header or length (truncated or extended file)");
        }

        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(file[..^SHA256.HashSizeInBytes], checksum);
        if (!checksum.SequenceEqual(file[^SHA256.HashSizeInBytes..]))
        {
            throw Corrupted(path, "checksum mismatch");
        }

        if (!file.Slice(HeaderSize, (int)idLength).SequenceEqual(Encoding.UTF8.GetBytes(canonicalId)))
        {
            throw Corrupted(path, "the file belongs to another grain state");
        }

        bool exists = (flags & ClearedFlag) == 0;
        ReadOnlySpan<byte> payload = file.Slice(HeaderSize + (int)idLength, (int)payloadLength);
        if (!exists && !payload.IsEmpty)
        {
            throw Corrupted(path, "a cleared state with content");
        }

        return new Content(version, exists, payload.ToArray());
    }

    private static GrainStateCorruptedException Corrupted(string path, string what)
        => new($"Grain state file '{Path.GetFileName(path)}' is corrupt: {what}. It was left in place.");
}
