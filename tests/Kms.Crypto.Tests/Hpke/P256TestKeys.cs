using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Math;

namespace Kms.Crypto.Tests.Hpke;

/// <summary>Builds BCL P-256 keys from known scalars for known-answer tests.</summary>
internal static class P256TestKeys
{
    private static readonly Org.BouncyCastle.Asn1.X9.X9ECParameters s_p256 = NistNamedCurves.GetByName("P-256");

    public static ECParameters P256Parameters(ReadOnlySpan<byte> scalar)
    {
        var d = new BigInteger(1, scalar.ToArray());
        var q = s_p256.G.Multiply(d).Normalize();
        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = scalar.ToArray(),
            Q = new ECPoint
            {
                X = q.AffineXCoord.GetEncoded(),
                Y = q.AffineYCoord.GetEncoded(),
            },
        };
    }

    public static ECDiffieHellman P256Ecdh(string scalarHex) => ECDiffieHellman.Create(P256Parameters(Convert.FromHexString(scalarHex)));

    public static ECDiffieHellman P256Ecdh(ReadOnlySpan<byte> scalar) => ECDiffieHellman.Create(P256Parameters(scalar));

    public static byte[] UncompressedPoint(ECDiffieHellman key)
    {
        ECParameters p = key.ExportParameters(false);
        return [0x04, .. p.Q.X!, .. p.Q.Y!];
    }
}
