using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Tests.Oprf;

/// <summary>
/// The prover's P-256 pieces: the shared-base comb multiplier, batch conversion to affine and this library's own point
/// decompression, against separate multiplications and BouncyCastle's independent implementation.
/// </summary>
public class SharedBaseMultiplierTests
{
    private static readonly BigInteger s_n = P256Curve.Order;

    public static TheoryData<string> EdgeScalars => new()
    {
        "0", "1", "2", "3", "1f", "20",
        s_n.Subtract(BigInteger.One).ToString(16),
        s_n.Subtract(BigInteger.Two).ToString(16),
        BigInteger.One.ShiftLeft(255).ToString(16),
        BigInteger.One.ShiftLeft(255).Subtract(BigInteger.One).ToString(16),
        BigInteger.One.ShiftLeft(208).ToString(16), // the top comb tooth's first bit (5 teeth, 52 apart)
        BigInteger.One.ShiftLeft(207).ToString(16), // the last bit below it
        BigInteger.One.ShiftLeft(51).ToString(16),
        BigInteger.One.ShiftLeft(52).Subtract(BigInteger.One).ToString(16), // every bit of the lowest tooth
        BigInteger.One.ShiftLeft(130).Add(BigInteger.One).ToString(16), // zero top windows
        "ffffffffffffffffffffffffffffffff", // a 128-bit scalar
        s_n.ShiftRight(1).ToString(16),
    };

    [Theory]
    [MemberData(nameof(EdgeScalars))]
    public void EdgeScalarsAgreeWithSeparateMultipliesAndBouncyCastle(string hex)
    {
        var k = new BigInteger(hex, 16);
        BigInteger other = s_n.Subtract(k).Mod(s_n); // pairs each edge scalar with its negation
        ECPoint p = P256Curve.Generator.Multiply(new BigInteger("5f3a9c", 16)).Normalize();
        AssertSharedBaseAgrees(p, [k, other, BigInteger.One]);
    }

    [Fact]
    public void RandomScalarsAndPointsAgreeWithSeparateMultipliesAndBouncyCastle()
    {
        var random = new Random(2024);
        for (int i = 0; i < 12; i++)
        {
            ECPoint p = P256Curve.Generator.Multiply(RandomScalar(random)).Normalize();
            AssertSharedBaseAgrees(p, [RandomScalar(random), RandomScalar(random)]);
        }

        AssertSharedBaseAgrees(P256Curve.Generator, [RandomScalar(random)]);
    }

    [Fact]
    public void SharedBaseRejectsMismatchedLengthsAndMapsTheIdentity()
    {
        P256ProjectivePoint g = P256ScalarMultiplier.Generator;
        var results = new P256ProjectivePoint[2];
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplySharedBase(g, new byte[32], results));
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplySharedBase(g, new byte[65], results));
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplySharedBase(g, [], []));

        byte[] scalars = [.. P256Curve.EncodeScalar(BigInteger.ValueOf(3)), .. P256Curve.EncodeScalar(BigInteger.Two)];
        P256ScalarMultiplier.MultiplySharedBase(P256ProjectivePoint.Identity, scalars, results);
        Assert.True(results[0].IsIdentityMask() != 0 && results[1].IsIdentityMask() != 0);
    }

    [Fact]
    public void BatchConversionToAffineMatchesOneByOneAndKeepsTheIdentityApart()
    {
        var random = new Random(5);
        var points = new P256ProjectivePoint[5];
        var expected = new ECPoint?[5];
        for (int i = 0; i < points.Length; i++)
        {
            BigInteger k = i == 2 ? BigInteger.Zero : RandomScalar(random);
            // Doubling in projective coordinates leaves Z ≠ 1, so the batch inversion has work to do.
            points[i] = P256ProjectivePoint.Double(P256ScalarMultiplier.MultiplyGenerator(P256Curve.EncodeScalar(k)));
            expected[i] = k.SignValue == 0 ? null : P256Curve.Generator.Multiply(k.ShiftLeft(1).Mod(s_n)).Normalize();
        }

        var elements = new P256Element?[5];
        P256Element.FromProjective(points, elements);
        for (int i = 0; i < points.Length; i++)
        {
            if (expected[i] is null)
            {
                Assert.Null(elements[i]);
            }
            else
            {
                Assert.Equal(P256Curve.EncodePoint(expected[i]!), elements[i]!.GetEncoded());
                Assert.Equal(expected[i], elements[i]!.ToECPoint());
                Assert.Equal(elements[i], P256Element.Decode(elements[i]!.Encoded));
            }
        }

        Assert.Throws<ArgumentException>(() => P256Element.FromProjective(points, new P256Element?[4]));
    }

    [Fact]
    public void OwnDecompressionAgreesWithBouncyCastleOnValidAndInvalidX()
    {
        var random = new Random(77);
        int valid = 0;
        int invalid = 0;
        byte[] encoded = new byte[P256Curve.CompressedPointSize];
        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(encoded);
            encoded[0] = (byte)(2 + (i & 1));
            bool bouncyCastleAccepts;
            ECPoint? reference = null;
            try
            {
                reference = P256Curve.Curve.DecodePoint(encoded).Normalize();
                bouncyCastleAccepts = reference.IsValid();
            }
            catch (ArgumentException)
            {
                bouncyCastleAccepts = false;
            }

            if (bouncyCastleAccepts)
            {
                valid++;
                P256Element element = P256Element.Decode(encoded);
                Assert.Equal(reference, element.ToECPoint());
                Assert.Equal(encoded, element.GetEncoded());
                Assert.True(element.Point.IsOnCurve());
            }
            else
            {
                invalid++;
                Assert.Throws<CryptographicFormatException>(() => P256Element.Decode(encoded));
            }
        }

        // About half of all x have a point; both branches must have been exercised.
        Assert.InRange(valid, 50, 150);
        Assert.InRange(invalid, 50, 150);
    }

    [Fact]
    public void ConversionFromBouncyCastleRejectsTheIdentity()
    {
        Assert.Throws<ArgumentException>(() => P256Element.FromECPoint(P256Curve.Identity));
        P256Element g = P256Element.FromECPoint(P256Curve.Generator);
        Assert.Equal(P256Curve.EncodePoint(P256Curve.Generator), g.GetEncoded());
        Assert.True(P256ProjectivePoint.AreEqual(P256ScalarMultiplier.Generator, g.Point));
    }

    internal static BigInteger RandomScalar(Random random)
    {
        byte[] bytes = new byte[32];
        random.NextBytes(bytes);
        return new BigInteger(1, bytes).Mod(s_n);
    }

    private static void AssertSharedBaseAgrees(ECPoint p, BigInteger[] ks)
    {
        P256ProjectivePoint point = P256Curve.ToProjective(p);
        byte[] scalars = ks.SelectMany(k => P256Curve.EncodeScalar(k.Mod(s_n))).ToArray();
        var results = new P256ProjectivePoint[ks.Length];
        P256ScalarMultiplier.MultiplySharedBase(point, scalars, results);
        for (int j = 0; j < ks.Length; j++)
        {
            ECPoint reference = p.Multiply(ks[j].Mod(s_n)).Normalize();
            Assert.Equal(reference, P256Curve.ToECPoint(results[j]));
            Assert.True(P256ProjectivePoint.AreEqual(
                P256ScalarMultiplier.Multiply(point, scalars.AsSpan(j * 32, 32)), results[j]));
        }
    }
}
