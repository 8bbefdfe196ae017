using Kms.Crypto.P256;
using Org.BouncyCastle.Math.EC;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Tests.P256;

/// <summary>The variable-time multi-scalar multiplication (w-NAF Straus) against BouncyCastle's independent arithmetic.</summary>
public class P256VariableTimeMultiplierTests
{
    private static readonly BigInteger s_n = P256Curve.Order;

    [Fact]
    public void RandomSumsWithAndWithoutTheGeneratorAgreeWithBouncyCastle()
    {
        var random = new Random(256);
        for (int count = 0; count <= 14; count++)
        {
            var points = new ECPoint[count];
            var scalars = new BigInteger[count];
            ECPoint expected = P256Curve.Identity;
            for (int i = 0; i < count; i++)
            {
                points[i] = Reference(P256Curve.Generator, RandomScalar(random));
                // Batch verification mixes full scalars with 128-bit weights.
                scalars[i] = i % 3 == 2 ? RandomScalar(random).ShiftRight(128) : RandomScalar(random);
                expected = expected.Add(Reference(points[i], scalars[i]));
            }

            BigInteger g = RandomScalar(random);
            Assert.Equal(expected.Normalize(), Multiply(null, points, scalars));
            Assert.Equal(expected.Add(Reference(P256Curve.Generator, g)).Normalize(), Multiply(g, points, scalars));
        }
    }

    public static TheoryData<string> EdgeScalars => new()
    {
        "0", "1", "2", "3", "f", "10", "11", "1f", "3f", "40", "7f", "ff",
        s_n.Subtract(BigInteger.One).ToString(16),
        s_n.Subtract(BigInteger.Two).ToString(16),
        s_n.Subtract(BigInteger.One).ShiftRight(1).ToString(16),
        BigInteger.One.ShiftLeft(255).ToString(16),
        BigInteger.One.ShiftLeft(255).Subtract(BigInteger.One).ToString(16),
        BigInteger.One.ShiftLeft(128).Subtract(BigInteger.One).ToString(16),
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffff0fffffff0f", // all-ones runs that carry in the NAF
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "5555555555555555555555555555555555555555555555555555555555555555",
    };

    [Theory]
    [MemberData(nameof(EdgeScalars))]
    public void EdgeScalarsAgreeWithBouncyCastle(string hex)
    {
        var k = new BigInteger(hex, 16).Mod(s_n);
        ECPoint p = Reference(P256Curve.Generator, new BigInteger("5eed", 16));
        Assert.Equal(Reference(p, k), Multiply(null, [p], [k]));
        Assert.Equal(Reference(P256Curve.Generator, k), Multiply(k, [], []));
        Assert.Equal(Reference(P256Curve.Generator, k).Add(Reference(p, k)).Normalize(), Multiply(k, [p], [k]));
    }

    [Fact]
    public void ExceptionalAdditionsInsideTheChainAreHandled()
    {
        ECPoint p = Reference(P256Curve.Generator, new BigInteger("123456789abcdef", 16));
        BigInteger k = new("fedcba987654321", 16);

        // Equal accumulator and addend (doubling case), opposite ones (identity), G against itself through both tables.
        Assert.Equal(Reference(p, k.Add(k)), Multiply(null, [p, p], [k, k]));
        Assert.True(Multiply(null, [p, p.Negate()], [k, k]).IsInfinity);
        Assert.True(Multiply(k, [P256Curve.Generator], [s_n.Subtract(k)]).IsInfinity);
        Assert.Equal(Reference(P256Curve.Generator, BigInteger.Two), Multiply(BigInteger.One, [P256Curve.Generator], [BigInteger.One]));
        Assert.Equal(Reference(p, BigInteger.Three), Multiply(null, [p, p.Twice()], [BigInteger.One, BigInteger.One]));

        // Identity points and zero scalars contribute nothing; nothing at all gives the identity.
        Assert.Equal(Reference(p, k), Multiply(null, [P256Curve.Identity, p], [k, k]));
        Assert.Equal(Reference(p, k), Multiply(BigInteger.Zero, [p, P256Curve.Generator], [k, BigInteger.Zero]));
        Assert.True(Multiply(null, [], []).IsInfinity);
        Assert.True(Multiply(BigInteger.Zero, [p], [BigInteger.Zero]).IsInfinity);
    }

    [Fact]
    public void NafDigitsReconstructTheScalarAndAreSparse()
    {
        var random = new Random(5);
        Span<sbyte> digits = stackalloc sbyte[257];
        for (int iteration = 0; iteration < 200; iteration++)
        {
            byte[] scalar = new byte[32];
            random.NextBytes(scalar);
            foreach (int window in new[] { 2, 5, 7 })
            {
                int length = P256VariableTimeMultiplier.ComputeNaf(scalar, window, digits);
                BigInteger value = BigInteger.Zero;
                int lastNonZero = -window;
                for (int i = length - 1; i >= 0; i--)
                {
                    value = value.ShiftLeft(1).Add(BigInteger.ValueOf(digits[i]));
                }

                for (int i = 0; i < length; i++)
                {
                    if (digits[i] != 0)
                    {
                        Assert.True((digits[i] & 1) != 0 && Math.Abs(digits[i]) < 1 << (window - 1));
                        Assert.True(i - lastNonZero >= window, "two non-zero digits closer than the window");
                        lastNonZero = i;
                    }
                }

                Assert.Equal(new BigInteger(1, scalar), value);
                Assert.NotEqual(0, digits[length - 1]);
            }
        }

        Assert.Equal(0, P256VariableTimeMultiplier.ComputeNaf(new byte[32], 5, digits));
    }

    [Fact]
    public void WrongScalarLengthsAreRejected()
    {
        P256ProjectivePoint g = P256ScalarMultiplier.Generator;
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplyPublic([g], new byte[33]));
        Assert.Throws<ArgumentException>(() => P256ScalarMultiplier.MultiplyPublic(new byte[31], [g], new byte[32]));
        Assert.Throws<ArgumentException>(() => P256VariableTimeMultiplier.Multiply(new byte[16], [g], new byte[32]));
    }

    private static ECPoint Multiply(BigInteger? generatorScalar, ECPoint[] points, BigInteger[] scalars)
    {
        var projective = points.Select(P256Curve.ToProjective).ToArray();
        byte[] encoded = scalars.SelectMany(s => P256Curve.EncodeScalar(s.Mod(s_n))).ToArray();
        P256ProjectivePoint result = generatorScalar is null
            ? P256ScalarMultiplier.MultiplyPublic(projective, encoded)
            : P256ScalarMultiplier.MultiplyPublic(P256Curve.EncodeScalar(generatorScalar.Mod(s_n)), projective, encoded);
        return P256Curve.ToECPoint(result);
    }

    private static ECPoint Reference(ECPoint point, BigInteger k) => point.Multiply(k.Mod(s_n)).Normalize();

    private static BigInteger RandomScalar(Random random)
    {
        byte[] bytes = new byte[32];
        random.NextBytes(bytes);
        return new BigInteger(1, bytes).Mod(s_n);
    }
}
