using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Oprf;

/// <summary>An RFC 9497 DLEQ proof (c, s), encoded as SerializeScalar(c) ‖ SerializeScalar(s) (64 bytes).</summary>
public sealed record DleqProof
{
    /// <summary>Size of the encoding.</summary>
    public const int EncodedSize = 2 * P256Curve.ScalarSize;

    internal DleqProof(BigInteger c, BigInteger s)
    {
        C = c;
        S = s;
    }

    internal BigInteger C { get; }

    internal BigInteger S { get; }

    /// <summary>Decodes a proof; each half must be a scalar below the group order.</summary>
    /// <exception cref="CryptographicFormatException">The proof is malformed.</exception>
    public static DleqProof Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new CryptographicFormatException($"A DLEQ proof must be {EncodedSize} bytes, got {encoded.Length}.");
        }

        return new DleqProof(
            P256Curve.DecodeScalar(encoded[..P256Curve.ScalarSize], allowZero: true),
            P256Curve.DecodeScalar(encoded[P256Curve.ScalarSize..], allowZero: true));
    }

    /// <summary>Returns the 64-byte encoding.</summary>
    public byte[] Encode()
    {
        byte[] encoded = new byte[EncodedSize];
        P256Curve.EncodeScalar(C, encoded);
        P256Curve.EncodeScalar(S, encoded.AsSpan(P256Curve.ScalarSize));
        return encoded;
    }

    /// <summary>Compares the encodings.</summary>
    public bool Equals(DleqProof? other) => other is not null && C.Equals(other.C) && S.Equals(other.S);

    /// <inheritdoc/>
    public override int GetHashCode() => C.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"DleqProof {{ {Convert.ToHexStringLower(Encode())} }}";
}
