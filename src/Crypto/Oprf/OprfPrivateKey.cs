using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>An OPRF server private key skS (a non-zero P-256 scalar) and its public key pkS = skS·G.</summary>
public sealed class OprfPrivateKey
{
    internal OprfPrivateKey(BigInteger scalar)
    {
        Scalar = scalar;
        PublicKey = P256Curve.MultiplyGenerator(scalar);
    }

    /// <summary>pkS = skS·G.</summary>
    public ECPoint PublicKey { get; }

    internal BigInteger Scalar { get; }

    /// <summary>Imports a 32-byte big-endian scalar in [1, n).</summary>
    /// <exception cref="CryptographicFormatException">The scalar is malformed.</exception>
    public static OprfPrivateKey Import(ReadOnlySpan<byte> scalar) => new(P256Curve.DecodeScalar(scalar));

    /// <summary>Exports the 32-byte scalar; the caller must zero it after use.</summary>
    public byte[] Export() => P256Curve.EncodeScalar(Scalar);

    /// <summary>Describes the key by its public part only.</summary>
    public override string ToString() => $"OprfPrivateKey {{ PublicKey = {Convert.ToHexStringLower(P256Curve.EncodePoint(PublicKey))} }}";
}
