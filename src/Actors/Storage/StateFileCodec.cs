using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Actors.Storage;

/// <summary>Encodes and decodes one grain state file.</summary>
/// <remarks>
/// Layout (integers big-endian):
/// <code>
/// magic "KGST" | u16 format = 1 | u8 flags (1 = sealed, 2 = tombstone) | u8 0 | u64 version
/// | u32 idLength | u32 payloadLength | id (UTF-8) | payload | SHA-256 over everything before it
/// </code>
/// The id is the canonical storage id of (grain type, key, state name), so a file copied under another grain's name
/// is detected. Sealed payloads are <c>nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16)</c> with associated data
/// <c>"kms-actors/state/v1" ‖ u8 flags ‖ u64 version ‖ id</c>: the checksum catches accidental damage with a clear
/// error; the tag authenticates content, version and owner against anyone without the cluster storage key
/// (random nonces: safe for far more than 2^24 writes per key). Rolling a file back to an older sealed version is
/// not detectable here; the version CAS of the shared store (PostgreSQL) is the defence for that.
/// </remarks>
internal static class StateFileCodec
{
    public const int HeaderSize = 24;
    public const int MaxIdLength = 64 * 1024;
    private const ushort FormatVersion = 1;
    private const byte SealedFlag = 1;
    private const byte TombstoneFlag = 2;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static ReadOnlySpan<byte> Magic => "KGST"u8;
    private static ReadOnlySpan<byte> AadLabel => "kms-actors/state/v1"u8;

    public static string CanonicalId(GrainId grainId, string stateName)
        => $"{grainId.Type.Length}:{grainId.Type}|{grainId.Key.Length}:{grainId.Key}|{stateName.Length}:{stateName}";

    public static byte[] Encode(string canonicalId, long version, bool exists, ReadOnlySpan<byte> data, ReadOnlySpan<byte> storageKey)
    {
        byte[] id = Encoding.UTF8.GetBytes(canonicalId);
        bool sealed_ = !storageKey.IsEmpty;
        byte flags = (byte)((sealed_ ? SealedFlag : 0) | (exists ? 0 : TombstoneFlag));
        int payloadLength = sealed_ ? NonceSize + data.Length + TagSize : data.Length;
        byte[] file = new byte[HeaderSize + id.Length + payloadLength + SHA256.HashSizeInBytes];
        Span<byte> span = file;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], FormatVersion);
        span[6] = flags;
        BinaryPrimitives.WriteInt64BigEndian(span[8..], version);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], (uint)id.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[20..], (uint)payloadLength);
        id.CopyTo(span[HeaderSize..]);
        Span<byte> payload = span.Slice(HeaderSize + id.Length, payloadLength);
        if (sealed_)
        {
            Span<byte> nonce = payload[..NonceSize];
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(storageKey, TagSize);
            aes.Encrypt(nonce, data, payload.Slice(NonceSize, data.Length), payload[^TagSize..], AssociatedData(id, flags, version));
        }
        else
        {
            data.CopyTo(payload);
        }

        SHA256.HashData(span[..^SHA256.HashSizeInBytes], span[^SHA256.HashSizeInBytes..]);
        return file;
    }

    /// <summary>Decodes a file; throws <see cref="GrainStateCorruptedException"/> for anything but a well-formed file
    /// of <paramref name="canonicalId"/> that authenticates under <paramref name="storageKey"/>.</summary>
    public static (long Version, bool Exists, byte[] Data) Decode(ReadOnlySpan<byte> file, string canonicalId, ReadOnlySpan<byte> storageKey, string path)
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
        if ((flags & ~(SealedFlag | TombstoneFlag)) != 0 || file[7] != 0 || version <= 0 || idLength > MaxIdLength
            || (ulong)HeaderSize + idLength + payloadLength + SHA256.HashSizeInBytes != (ulong)file.Length)
        {
            throw Corrupted(path, "inconsistent header or length (truncated or extended file)");
        }

        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(file[..^SHA256.HashSizeInBytes], checksum);
        if (!CryptographicOperations.FixedTimeEquals(checksum, file[^SHA256.HashSizeInBytes..]))
        {
            throw Corrupted(path, "checksum mismatch");
        }

        ReadOnlySpan<byte> id = file.Slice(HeaderSize, (int)idLength);
        if (!id.SequenceEqual(Encoding.UTF8.GetBytes(canonicalId)))
        {
            throw Corrupted(path, "the file belongs to another grain state");
        }

        ReadOnlySpan<byte> payload = file.Slice(HeaderSize + (int)idLength, (int)payloadLength);
        bool exists = (flags & TombstoneFlag) == 0;
        bool isSealed = (flags & SealedFlag) != 0;
        if (isSealed != !storageKey.IsEmpty)
        {
            throw Corrupted(path, isSealed ? "the file is sealed but no storage key is configured" : "the file is not sealed but a storage key is configured");
        }

        if (!isSealed)
        {
            return (version, exists, payload.ToArray());
        }

        if (payload.Length < NonceSize + TagSize)
        {
            throw Corrupted(path, "sealed payload is too short");
        }

        byte[] plaintext = new byte[payload.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(storageKey, TagSize);
            aes.Decrypt(payload[..NonceSize], payload[NonceSize..^TagSize], payload[^TagSize..], plaintext, AssociatedData(id, flags, version));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw Corrupted(path, "authentication failed (wrong storage key or tampered file)", ex);
        }

        if (!exists && plaintext.Length != 0)
        {
            throw Corrupted(path, "tombstone with content");
        }

        return (version, exists, plaintext);
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> id, byte flags, long version)
    {
        byte[] aad = new byte[AadLabel.Length + 1 + 8 + id.Length];
        AadLabel.CopyTo(aad);
        aad[AadLabel.Length] = flags;
        BinaryPrimitives.WriteInt64BigEndian(aad.AsSpan(AadLabel.Length + 1), version);
        id.CopyTo(aad.AsSpan(AadLabel.Length + 9));
        return aad;
    }

    private static GrainStateCorruptedException Corrupted(string path, string what, Exception? inner = null)
        => new($"Grain state file '{Path.GetFileName(path)}' is corrupt: {what}. It was left in place.", inner);
}
