using System.Buffers.Binary;
using System.Text;
using Kms.Crypto.P256;

namespace Kms.Crypto.KeyTree;

/// <summary>
/// The domain-separated HKDF info for a key derived from a namespace key:
/// "orleans-kms/key-tree/v1" ‖ L(purpose) ‖ L(namespace) ‖ L(identity) ‖ L(name) ‖ L(u32 version),
/// where L(x) = u16 big-endian length ‖ x and strings are UTF-8. Length prefixes make the encoding injective.
/// </summary>
/// <param name="Purpose">What the key is for (e.g. "disk-encryption"); must not be empty.</param>
/// <param name="Namespace">The namespace the key belongs to.</param>
/// <param name="Identity">The workload identity the key is bound to (empty for namespace-wide keys).</param>
/// <param name="Name">The application-chosen key name.</param>
/// <param name="Version">The key version (rotation counter).</param>
public sealed record DerivedKeyLabel(string Purpose, string Namespace, string Identity, string Name, uint Version)
{
    /// <summary>The largest label in UTF-8 bytes.</summary>
    public const int MaxLabelBytes = 1024;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The fixed protocol prefix of every info string.</summary>
    public static ReadOnlySpan<byte> ProtocolPrefix => "orleans-kms/key-tree/v1"u8;

    /// <summary>Encodes the HKDF info.</summary>
    /// <exception cref="CryptographicFormatException">A label is null, empty (purpose), invalid UTF-16, or too long.</exception>
    public byte[] Encode()
    {
        if (string.IsNullOrEmpty(Purpose))
        {
            throw new CryptographicFormatException("The key purpose must not be empty.");
        }

        byte[][] labels = [Utf8(Purpose, nameof(Purpose)), Utf8(Namespace, nameof(Namespace)), Utf8(Identity, nameof(Identity)), Utf8(Name, nameof(Name))];
        int length = ProtocolPrefix.Length + labels.Sum(l => 2 + l.Length) + 2 + sizeof(uint);
        byte[] info = new byte[length];
        ProtocolPrefix.CopyTo(info);
        int offset = ProtocolPrefix.Length;
        foreach (byte[] label in labels)
        {
            BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(offset), (ushort)label.Length);
            label.CopyTo(info, offset + 2);
            offset += 2 + label.Length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(offset), sizeof(uint));
        BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(offset + 2), Version);
        return info;
    }

    private static byte[] Utf8(string? value, string what)
    {
        if (value is null)
        {
            throw new CryptographicFormatException($"The {what} label must not be null.");
        }

        byte[] bytes;
        try
        {
            bytes = s_strictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new CryptographicFormatException($"The {what} label is not valid Unicode text.", ex);
        }

        if (bytes.Length > MaxLabelBytes)
        {
            throw new CryptographicFormatException($"The {what} label must be at most {MaxLabelBytes} UTF-8 bytes.");
        }

        return bytes;
    }
}
