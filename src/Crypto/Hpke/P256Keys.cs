using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>P-256 helpers shared by HPKE, Go ECIES and the namespace CA: scalar checks, key import and ECDH.</summary>
internal static class P256Keys
{
    /// <summary>Size of a scalar and of a coordinate.</summary>
    public const int ScalarSize = 32;

    /// <summary>Size of an uncompressed SEC1 point.</summary>
    public const int UncompressedPointSize = 1 + (2 * ScalarSize);

    /// <summary>The group order n of P-256, big-endian.</summary>
    private static ReadOnlySpan<byte> Order =>
    [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
    ];

    /// <summary>True when the 32-byte big-endian <paramref name="scalar"/> is in [1, n-1].</summary>
    /// <remarks>
    /// Constant time in the value: the candidates are private keys (HPKE DeriveKeyPair, namespace CA keys), and an
    /// early-exit comparison would reveal how many of a key's leading bytes equal those of n.
    /// </remarks>
    public static bool IsValidScalar(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != ScalarSize)
        {
            return false;
        }

        ReadOnlySpan<byte> order = Order;
        int borrow = 0;
        int anyBits = 0;
        for (int i = ScalarSize - 1; i >= 0; i--)
        {
            // The borrow out of scalar - n, byte by byte from the least significant end: 1 at the end ⇔ scalar < n.
            int difference = scalar[i] - order[i] - borrow;
            borrow = (difference >> 8) & 1;
            anyBits |= scalar[i];
        }

        return (borrow == 1) & (anyBits != 0);
    }

    /// <summary>Builds the key parameters for a valid scalar; the public point is computed by the platform.</summary>
    public static ECParameters FromScalar(ReadOnlySpan<byte> scalar)
    {
        if (!IsValidScalar(scalar))
        {
            throw new ArgumentException("The scalar must be 32 bytes in [1, n-1].", nameof(scalar));
        }

        return new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar.ToArray() };
    }

    /// <summary>Creates an ECDH key from a valid scalar.</summary>
    public static ECDiffieHellman CreateEcdh(ReadOnlySpan<byte> scalar)
    {
        ECParameters parameters = FromScalar(scalar);
        try
        {
            return ECDiffieHellman.Create(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>Creates an ECDSA key from a valid scalar.</summary>
    public static ECDsa CreateEcdsa(ReadOnlySpan<byte> scalar)
    {
        ECParameters parameters = FromScalar(scalar);
        try
        {
            return ECDsa.Create(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>Writes the uncompressed SEC1 encoding 0x04 ‖ X ‖ Y of a key's public point.</summary>
    public static byte[] ExportUncompressedPoint(AsymmetricAlgorithm key)
    {
        ECParameters parameters = key switch
        {
            ECDiffieHellman ecdh => ecdh.ExportParameters(includePrivateParameters: false),
            ECDsa ecdsa => ecdsa.ExportParameters(includePrivateParameters: false),
            _ => throw new ArgumentException("Not an EC key.", nameof(key)),
        };
        return [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
    }

    /// <summary>
    /// The raw ECDH shared secret (the x coordinate of d·Q) of <paramref name="privateKey"/> and the public part of
    /// <paramref name="peer"/>. The caller zeroes the result.
    /// </summary>
    public static byte[] DeriveSharedX(ECDiffieHellman privateKey, ECDiffieHellman peer)
    {
        // ECDiffieHellman.PublicKey creates a new object that owns a native key handle on every call: dispose it.
        using ECDiffieHellmanPublicKey peerPublicKey = peer.PublicKey;
        return privateKey.DeriveRawSecretAgreement(peerPublicKey);
    }

    /// <summary>True when <paramref name="key"/> is on the named curve P-256.</summary>
    public static bool IsP256(ECDiffieHellman key)
    {
        if (key.KeySize != 256)
        {
            return false;
        }

        ECCurve curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
    }

    /// <summary>
    /// Imports an uncompressed SEC1 point. Returns null for a wrong length/prefix or a point not on the curve;
    /// the platform import validates the point, which stops invalid-curve attacks.
    /// </summary>
    public static ECDiffieHellman? TryImportUncompressedPoint(ReadOnlySpan<byte> point)
    {
        if (point.Length != UncompressedPointSize || point[0] != 0x04)
        {
            return null;
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = point.Slice(1, ScalarSize).ToArray(),
                Y = point.Slice(1 + ScalarSize, ScalarSize).ToArray(),
            },
        };

        try
        {
            return ECDiffieHellman.Create(parameters);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
