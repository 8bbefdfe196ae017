using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>RFC 9180 §4 LabeledExtract / LabeledExpand over HKDF-SHA256.</summary>
internal static class HpkeLabels
{
    public const int HashSize = 32;

    private static ReadOnlySpan<byte> Version => "HPKE-v1"u8;

    /// <summary>suite_id of the KEM: "KEM" ‖ I2OSP(kem_id, 2).</summary>
    public static byte[] KemSuiteId(ushort kemId) => [(byte)'K', (byte)'E', (byte)'M', (byte)(kemId >> 8), (byte)kemId];

    /// <summary>suite_id of the HPKE context: "HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id (2 bytes each).</summary>
    public static byte[] HpkeSuiteId(ushort kemId, ushort kdfId, ushort aeadId)
    {
        byte[] id = new byte[10];
        "HPKE"u8.CopyTo(id);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(4), kemId);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(6), kdfId);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(8), aeadId);
        return id;
    }

    /// <summary>HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm) into a 32-byte destination.</summary>
    public static void LabeledExtract(
        ReadOnlySpan<byte> suiteId,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> label,
        ReadOnlySpan<byte> ikm,
        Span<byte> prk)
    {
        byte[] labeledIkm = new byte[Version.Length + suiteId.Length + label.Length + ikm.Length];
        try
        {
            Concat(labeledIkm, Version, suiteId, label, ikm);
            HKDF.Extract(HashAlgorithmName.SHA256, labeledIkm, salt, prk[..HashSize]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(labeledIkm);
        }
    }

    /// <summary>HKDF-Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L) with L = destination length.</summary>
    public static void LabeledExpand(
        ReadOnlySpan<byte> suiteId,
        ReadOnlySpan<byte> prk,
        ReadOnlySpan<byte> label,
        ReadOnlySpan<byte> info,
        Span<byte> output)
    {
        if (output.Length > 255 * HashSize)
        {
            throw new ArgumentException($"At most {255 * HashSize} bytes can be expanded.", nameof(output));
        }

        byte[] labeledInfo = new byte[2 + Version.Length + suiteId.Length + label.Length + info.Length];
        BinaryPrimitives.WriteUInt16BigEndian(labeledInfo, (ushort)output.Length);
        Concat(labeledInfo.AsSpan(2), Version, suiteId, label, info);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeledInfo);
    }

    private static void Concat(Span<byte> destination, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d)
    {
        a.CopyTo(destination);
        b.CopyTo(destination[a.Length..]);
        c.CopyTo(destination[(a.Length + b.Length)..]);
        d.CopyTo(destination[(a.Length + b.Length + c.Length)..]);
    }
}
