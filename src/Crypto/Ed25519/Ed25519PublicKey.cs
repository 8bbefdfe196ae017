using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Kms.Crypto.Ed25519;

/// <summary>
/// An Ed25519 public key (RFC 8032 §5.1.5 encoding, 32 bytes), validated on construction:
/// the encoding must be canonical and decode to a point on the curve.
/// </summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    /// <summary>The size of an encoded public key in bytes.</summary>
    public const int SizeInBytes = 32;

    /// <summary>The size of a signature in bytes.</summary>
    public const int SignatureSizeInBytes = 64;

    private readonly byte[] _encoded;

    private Ed25519PublicKey(byte[] encoded)
    {
        _encoded = encoded;
    }

    /// <summary>The 32-byte encoding of the key.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>Parses a 32-byte encoded public key.</summary>
    /// <exception cref="Ed25519FormatException">The length is not 32 bytes or the encoding is not a valid curve point.</exception>
    public static Ed25519PublicKey Parse(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != SizeInBytes)
        {
            throw new Ed25519FormatException($"An Ed25519 public key is {SizeInBytes} bytes, not {encoded.Length}.");
        }

        byte[] copy = encoded.ToArray();

        // Partial validation = canonical y coordinate that decodes to a curve point. Full validation would also
        // refuse small-order points; RFC 8032 verification does not require that and other verifiers
        // (Go, libsodium's default build) accept them, so we stay interoperable here.
        if (!Rfc8032.ValidatePublicKeyPartial(copy, 0))
        {
            throw new Ed25519FormatException("The Ed25519 public key does not encode a point on the curve.");
        }

        return new Ed25519PublicKey(copy);
    }

    /// <summary>Parses a public key from 64 hexadecimal characters (either case).</summary>
    /// <exception cref="Ed25519FormatException">The text is not 64 hex characters or not a valid key.</exception>
    public static Ed25519PublicKey ParseHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != SizeInBytes * 2)
        {
            throw new Ed25519FormatException($"An Ed25519 public key is {SizeInBytes * 2} hex characters, not {hex.Length}.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new Ed25519FormatException("The Ed25519 public key is not valid hexadecimal.");
        }

        return Parse(bytes);
    }

    /// <summary>
    /// Verifies a pure Ed25519 signature (RFC 8032 §5.1.7) over <paramref name="message"/>.
    /// Non-canonical signatures (S not below the group order) are rejected.
    /// </summary>
    /// <returns><see langword="true"/> when the signature is valid for this key and message.</returns>
    /// <exception cref="Ed25519FormatException">The signature is not exactly 64 bytes.</exception>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSizeInBytes)
        {
            throw new Ed25519FormatException($"An Ed25519 signature is {SignatureSizeInBytes} bytes, not {signature.Length}.");
        }

        byte[] sig = signature.ToArray();
        byte[] msg = message.ToArray();
        return Rfc8032.Verify(sig, 0, _encoded, 0, msg, 0, msg.Length);
    }

    /// <summary>The key as 64 lowercase hexadecimal characters.</summary>
    public string ToHex() => Convert.ToHexStringLower(_encoded);

    /// <inheritdoc/>
    public override string ToString() => ToHex();

    /// <inheritdoc/>
    public bool Equals(Ed25519PublicKey? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_encoded, other._encoded);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_encoded, 0);
}
