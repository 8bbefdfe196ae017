using Kms.Crypto.P256;
using Org.BouncyCastle.Math.EC;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Tests.P256;

/// <summary>The P-256 core against BouncyCastle's independent implementation (reference results).</summary>
public class P256ScalarMultiplierTests
{
    private static readonly BigInteger s_n = P256Curve.Order;

    public static TheoryData<string> EdgeScalars => new()
    {
        "0", "1", "2", "3", "15", "16", "17",
        s_n.Subtract(BigInteger.One).ToString(16),
        s_n.Subtract(BigInteger.Two).ToString(16),
        s_n.Subtract(BigInteger.One).ShiftRight(1).ToString(16),
        s_n.Subtract(BigInteger.One).ShiftRight(1).Add(BigInteger.One).ToString(16),
        BigInteger.One.ShiftLeft(255).ToString(16),
        BigInteger.One.ShiftLeft(256).Subtract(BigInteger.One).ToString(16), // all ones: reduced mod n
        s_n.ToString(16),
        s_n.Add(BigInteger.One).ToString(16),
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff".Substring(0, 60),
    };

    [Theory]
    [MemberData(nameof(EdgeScalars))]
    public void EdgeScalarsAgreeWithBouncyCastle(string hex)
    {
        var k = new BigInteger(hex, 16);
        ECPoint p = Reference(P256Curve.Generator, new BigInteger("7a3b", 16));
        Assert.Equal(Reference(P256Curve.Generator, k), P256Curve.MultiplyGenerator(k));
        Assert.Equal(Reference(p, k), P256Curve.Multiply(p, k));
        Assert.Equal(
            Reference(P256Curve.Generator, k).Add(Reference(p, k.Add(BigInteger.One))).Normalize(),
            P256Curve.SumOfTwoMultiplies(P256Curve.Generator, k, p, k.Add(BigInteger.One)));
    }

    [Fact]
    public void RandomScalarsAndPointsAgreeWithBouncyCastle()
    {
        var random = new Random(9497);
        for (int i = 0; i < 40; i++)
        {
            BigInteger k = RandomScalar(random);
            BigInteger j = RandomScalar(random);
            ECPoint p = Reference(P256Curve.Generator, RandomScalar(random));
            ECPoint q = Reference(P256Curve.Generator, RandomScalar(random));
            Assert.Equal(Reference(P256Curve.Generator, k), P256Curve.MultiplyGenerator(k));
            Assert.Equal(Reference(p, k), P256Curve.Multiply(p, k));
            Assert.Equal(Reference(p, k).Add(Reference(q, j)).Normalize(), P256Curve.SumOfTwoMultiplies(p, k, q, j));
        }
    }

    [Fact]
    public void SumOfMultipliesAgreesWithBouncyCastleIncludingIdentityAndZeroScalars()
    {
        var random = new Random(1);
        for (int count = 1; count <= 6; count++)
        {
            var points = new ECPoint[count];
            var scalars = new BigInteger[count];
            ECPoint expected = P256Curve.Identity;
            for (int i = 0; i < count; i++)
            {
                points[i] = i == 2 ? P256Curve.Identity : Reference(P256Curve.Generator, RandomScalar(random));
                scalars[i] = i == 3 ? BigInteger.Zero : RandomScalar(random);
                expected = expected.Add(Reference(points[i], scalars[i]));
            }

            Assert.Equal(expected.Normalize(), P256Curve.SumOfMultiplies(points, scalars));
        }

        Assert.True(P256Curve.SumOfMultiplies([P256Curve.Generator], [BigInteger.Zero]).IsInfinity);
        Assert.Throws<ArgumentException>(() => P256Curve.SumOfMultiplies([], []));
        Assert.Throws<ArgumentException>(() => P256Curve.SumOfMultiplies([P256Curve.Generator], [BigInteger.One, BigInteger.Two]));
    }

    [Fact]
    public void IdentityAndOppositePointsAreHandled()
    {
        ECPoint p = Reference(P256Curve.Generator, new BigInteger("123456789abcdef", 16));
        BigInteger k = new("fedcba987654321", 16);
        Assert.True(P256Curve.Multiply(P256Curve.Identity, k).IsInfinity);
        Assert.True(P256Curve.Multiply(p, BigInteger.Zero).IsInfinity);
        Assert.True(P256Curve.Multiply(p, s_n).IsInfinity);
        Assert.True(P256Curve.MultiplyGenerator(BigInteger.Zero).IsInfinity);
        Assert.True(P256Curve.SumOfTwoMultiplies(p, k, p.Negate(), k).IsInfinity);
        Assert.Equal(Reference(p, k), P256Curve.SumOfTwoMultiplies(p, k, P256Curve.Identity, k));
        Assert.Equal(Reference(p, k.Add(k)), P256Curve.SumOfTwoMultiplies(p, k, p, k));

        P256ProjectivePoint pp = P256Curve.ToProjective(p);
        P256ProjectivePoint identity = P256ProjectivePoint.Identity;
        Assert.Equal(p.Twice().Normalize(), P256Curve.ToECPoint(P256ProjectivePoint.Add(pp, pp)));
        Assert.Equal(p.Twice().Normalize(), P256Curve.ToECPoint(P256ProjectivePoint.Double(pp)));
        Assert.True(P256Curve.ToECPoint(P256ProjectivePoint.Add(pp, P256ProjectivePoint.Negate(pp))).IsInfinity);
        Assert.Equal(p, P256Curve.ToECPoint(P256ProjectivePoint.Add(pp, identity)));
        Assert.Equal(p, P256Curve.ToECPoint(P256ProjectivePoint.Add(identity, pp)));
        Assert.True(P256Curve.ToECPoint(P256ProjectivePoint.Add(identity, identity)).IsInfinity);
        Assert.True(P256Curve.ToECPoint(P256ProjectivePoint.Double(identity)).IsInfinity);
        Assert.True(identity.IsOnCurve());
        Assert.True(P256ProjectivePoint.AreEqual(P256ProjectivePoint.Add(pp, pp), P256ProjectivePoint.Double(pp)));
        Assert.False(P256ProjectivePoint.AreEqual(pp, identity));
    }

    [Fact]
    public void RepeatedDoublingInJacobianCoordinatesAgreesWithCompleteDoubling()
    {
        var random = new Random(4);
        for (int i = 0; i < 10; i++)
        {
            ECPoint p = Reference(P256Curve.Generator, RandomScalar(random));
            P256ProjectivePoint expected = P256Curve.ToProjective(p);
            for (int count = 1; count <= 5; count++)
            {
                expected = P256ProjectivePoint.Double(expected);
                P256ProjectivePoint actual = P256ProjectivePoint.DoubleRepeated(P256Curve.ToProjective(p), count);
                Assert.True(P256ProjectivePoint.AreEqual(expected, actual));
                Assert.True(actual.IsOnCurve());
                Assert.Equal(p.TimesPow2(count).Normalize(), P256Curve.ToECPoint(actual));
            }
        }

        P256ProjectivePoint identity = P256ProjectivePoint.DoubleRepeated(P256ProjectivePoint.Identity, 4);
        Assert.True(P256Curve.ToECPoint(identity).IsInfinity);
        Assert.True(P256ProjectivePoint.AreEqual(P256ProjectivePoint.Identity, identity));
        Assert.True(P256Curve.ToECPoint(P256ProjectivePoint.Add(identity, P256ScalarMultiplier.Generator)).Equals(P256Curve.Generator));
    }

    [Fact]
    public void GeneratorTableEntriesAgreeWithBouncyCastle()
    {
        // Every table entry d·16^i·G is selected by the scalar d·16^i alone; the reference walks the same values.
        ECPoint power = P256Curve.Generator;
        BigInteger sixteen = BigInteger.ValueOf(16);
        for (int i = 0; i < 64; i++)
        {
            ECPoint expected = power;
            for (int d = 1; d < 16; d++)
            {
                BigInteger k = BigInteger.ValueOf(d).Multiply(sixteen.Pow(i));
                Assert.Equal(expected.Normalize(), P256Curve.MultiplyGenerator(k));
                expected = expected.Add(power);
            }

            power = power.TimesPow2(4).Normalize();
        }
    }

    [Fact]
    public void NegativeAndOversizedScalarsAreReducedModuloTheOrder()
    {
        ECPoint p = Reference(P256Curve.Generator, new BigInteger("c0ffee", 16));
        Assert.Equal(p.Negate().Normalize(), P256Curve.Multiply(p, BigInteger.One.Negate()));
        Assert.Equal(P256Curve.Generator.Negate().Normalize(), P256Curve.MultiplyGenerator(BigInteger.One.Negate()));
        BigInteger big = s_n.Multiply(BigInteger.ValueOf(5)).Add(BigInteger.ValueOf(77));
        Assert.Equal(Reference(p, BigInteger.ValueOf(77)), P256Curve.Multiply(p, big));
        Assert.Equal(Reference(P256Curve.Generator, BigInteger.ValueOf(77)), P256Curve.SumOfTwoMultiplies(P256Curve.Generator, big, p, s_n));
    }

    [Fact]
    public void PointsOffTheCurveAreRejected()
    {
        ECPoint offCurve = P256Curve.Curve.CreatePoint(BigInteger.One, BigInteger.Two);
        Assert.Throws<ArgumentException>(() => P256Curve.Multiply(offCurve, BigInteger.One));
        Assert.Throws<ArgumentException>(() => P256Curve.SumOfTwoMultiplies(P256Curve.Generator, BigInteger.One, offCurve, BigInteger.One));
    }

    [Fact]
    public void MixedAdditionMatchesCompleteAdditionIncludingExceptionalCases()
    {
        P256ProjectivePoint g = P256ScalarMultiplier.Generator; // Z = 1
        P256ProjectivePoint g2 = P256ProjectivePoint.Double(g);
        P256ProjectivePoint[] accumulators =
        [
            P256ProjectivePoint.Identity, g, P256ProjectivePoint.Negate(g), g2,
            P256ProjectivePoint.Add(g2, g), // Z ≠ 1
            P256ProjectivePoint.Negate(P256ProjectivePoint.Double(g2)),
        ];
        foreach (P256ProjectivePoint p in accumulators)
        {
            P256ProjectivePoint mixed = P256ProjectivePoint.AddAffine(p, g.X, g.Y);
            Assert.True(mixed.IsOnCurve());
            Assert.True(P256ProjectivePoint.AreEqual(P256ProjectivePoint.Add(p, g), mixed));
        }

        Assert.True(P256ProjectivePoint.AddAffine(P256ProjectivePoint.Negate(g), g.X, g.Y).IsIdentityMask() != 0);
        Assert.True(P256ProjectivePoint.AreEqual(g2, P256ProjectivePoint.AddAffine(g, g.X, g.Y)));
    }

    [Fact]
    public void MultiplierRejectsScalarsOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplyGenerator(new byte[31]));
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.Multiply(P256ScalarMultiplier.Generator, new byte[33]));
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplyPublic([P256ScalarMultiplier.Generator], new byte[31]));
    }

    private static ECPoint Reference(ECPoint point, BigInteger k) => point.Multiply(k.Mod(s_n)).Normalize();

    private static BigInteger RandomScalar(Random random)
    {
        byte[] bytes = new byte[32];
        random.NextBytes(bytes);
        return new BigInteger(1, bytes).Mod(s_n);
    }
}
