using System.Security.Cryptography;

namespace Kms.Crypto.KeyTree;

/// <summary>
/// Derives keys below a namespace key: HKDF-SHA256(ikm = NK, salt = empty, info = <see cref="DerivedKeyLabel.Encode"/>).
/// </summary>
public static class KeyTreeDerivation
{
    /// <summary>The smallest accepted namespace key (input keying material).</summary>
    public const int MinKeyLength = 32;

    /// <summary>The largest output HKDF-SHA256 can produce (255 × 32 bytes).</summary>
    public const int MaxOutputLength = 255 * 32;

    /// <summary>Derives a <paramref name="length"/>-byte key; the caller must zero it after use.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> namespaceKey, DerivedKeyLabel label, int length = 32)
    {
        if (length < 1 || length > MaxOutputLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"The key length must be 1 to {MaxOutputLength} bytes.");
        }

        byte[] output = new byte[length];
        DeriveKey(namespaceKey, label, output);
        return output;
    }

    /// <summary>Derives a key filling <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The namespace key is shorter than 32 bytes or the destination is empty or too long.</exception>
    public static void DeriveKey(ReadOnlySpan<byte> namespaceKey, DerivedKeyLabel label, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (namespaceKey.Length < MinKeyLength)
        {
            throw new ArgumentException($"The namespace key must be at least {MinKeyLength} bytes.", nameof(namespaceKey));
        }

        byte[] info = label.Encode();
        DeriveRaw(namespaceKey, [], info, destination);
    }

    /// <summary>The raw HKDF-SHA256 (RFC 5869) step used by the key tree.</summary>
    public static void DeriveRaw(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> destination)
    {
        if (destination.IsEmpty || destination.Length > MaxOutputLength)
        {
            throw new ArgumentException($"The output must be 1 to {MaxOutputLength} bytes.", nameof(destination));
        }

        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, destination, salt, info);
    }
}
