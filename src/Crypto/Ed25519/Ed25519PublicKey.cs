using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Kms.Crypto.Ed25519;

/// <summary>
/// An Ed25519 public key (RFC 8032 §5.1.5 encoding, 32 bytes), validated on construction:
/// the encoding must be canonical, decode to a point on the curve, and not be one of the eight points of small order.
/// </summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    /// <summary>The size of an encoded public key in bytes.</summary>
    public const int SizeInBytes = 32;

    /// <summary>The size of a signature in bytes.</summary>
    public const int SignatureSizeInBytes = 64;

    // The canonical encodings of the eight points of order 1, 2, 4 and 8 (checked: [order]P = identity). Non-canonical
    // encodings of the same points are already refused by the canonical-y check.
    private static readonly byte[][] s_smallOrderEncodings =
    [
        Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000"),
        Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000000"),
        Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000080"),
        Convert.FromHexString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
        Convert.FromHexString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
        Convert.FromHexString("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
        Convert.FromHexString("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    ];

    private readonly byte[] _encoded;

    private Ed25519PublicKey(byte[] encoded)
    {
        _encoded = encoded;
    }

    /// <summary>The 32-byte encoding of the key.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>Parses a 32-byte encoded public key.</summary>
    /// <exception cref="Ed25519FormatException">
    /// The length is not 32 bytes, the encoding is not a valid curve point, or the point has small order.
    /// </exception>
    public static Ed25519PublicKey Parse(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != SizeInBytes)
        {
            throw new Ed25519FormatException($"An Ed25519 public key is {SizeInBytes} bytes, not {encoded.Length}.");
        }

        byte[] copy = encoded.ToArray();

        // Canonical y coordinate that decodes to a curve point.
        if (!Rfc8032.ValidatePublicKeyPartial(copy, 0))
        {
            throw new Ed25519FormatException("The Ed25519 public key does not encode a point on the curve.");
        }

        // A small-order key is never generated honestly, and with it anyone can produce a signature that verifies
        // for every message (e.g. R = identity, S = 0 under the all-zero or identity key): as a policy signer it
        // would silently lower the threshold. No secret key corresponds to it, so refusing it costs no interop.
        foreach (byte[] smallOrder in s_smallOrderEncodings)
        {
            if (copy.AsSpan().SequenceEqual(smallOrder))
            {
                throw new Ed25519FormatException("The Ed25519 public key is a point of small order.");
            }
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
