using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Tests.P256;

public class P256CurveTests
{
    private const string GeneratorCompressed = "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";

    [Fact]
    public void GeneratorEncodesAsSec1()
    {
        Assert.Equal(GeneratorCompressed, Convert.ToHexStringLower(P256Curve.EncodePoint(P256Curve.Generator)));
        Assert.Equal(P256Curve.Generator, P256Curve.DecodePoint(Convert.FromHexString(GeneratorCompressed)));
        Assert.Equal(P256Curve.Generator, P256Curve.MultiplyGenerator(BigInteger.One));
    }

    [Fact]
    public void MultiplicationsAgree()
    {
        BigInteger a = P256Curve.RandomNonZeroScalar();
        BigInteger b = P256Curve.RandomNonZeroScalar();
        var ga = P256Curve.MultiplyGenerator(a);
        Assert.Equal(ga, P256Curve.Multiply(P256Curve.Generator, a));
        Assert.Equal(P256Curve.MultiplyGenerator(a.Multiply(b).Mod(P256Curve.Order)), P256Curve.Multiply(ga, b));
        Assert.Equal(
            P256Curve.MultiplyGenerator(a.Add(b.Multiply(a)).Mod(P256Curve.Order)),
            P256Curve.SumOfTwoMultiplies(P256Curve.Generator, a, ga, b));
        Assert.True(P256Curve.MultiplyGenerator(P256Curve.Order).IsInfinity);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("04")]
    [InlineData("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2")] // 32 bytes
    [InlineData("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")] // uncompressed prefix, compressed length
    [InlineData("056b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")]
    [InlineData("02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")] // x = p
    [InlineData("02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // x > p
    [InlineData("000000000000000000000000000000000000000000000000000000000000000000")] // "identity"
    public void MalformedPointsAreRejected(string hex) =>
        Assert.Throws<CryptographicFormatException>(() => P256Curve.DecodePoint(Convert.FromHexString(hex)));

    [Fact]
    public void XWithNoCurvePointIsRejected()
    {
        // Find an x < p for which x^3 - 3x + b is not a square; roughly half of all x qualify.
        int rejected = 0;
        for (int x = 1; x <= 20; x++)
        {
            byte[] encoded = new byte[33];
            encoded[0] = 0x02;
            encoded[32] = (byte)x;
            try
            {
                Assert.True(P256Curve.DecodePoint(encoded).IsValid());
            }
            catch (CryptographicFormatException)
            {
                rejected++;
            }
        }

        Assert.InRange(rejected, 1, 19);
    }

    [Fact]
    public void ScalarsAreStrict()
    {
        Assert.Throws<CryptographicFormatException>(() => P256Curve.DecodeScalar(new byte[32]));
        Assert.Equal(BigInteger.Zero, P256Curve.DecodeScalar(new byte[32], allowZero: true));
        Assert.Throws<CryptographicFormatException>(() => P256Curve.DecodeScalar(new byte[31]));
        Assert.Throws<CryptographicFormatException>(() => P256Curve.DecodeScalar(new byte[33]));
        byte[] n = P256Curve.Order.ToByteArrayUnsigned();
        Assert.Throws<CryptographicFormatException>(() => P256Curve.DecodeScalar(n));
        byte[] nMinus1 = P256Curve.Order.Subtract(BigInteger.One).ToByteArrayUnsigned();
        Assert.Equal(nMinus1, P256Curve.EncodeScalar(P256Curve.DecodeScalar(nMinus1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => P256Curve.EncodeScalar(P256Curve.Order));
        Assert.Throws<ArgumentException>(() => P256Curve.EncodePoint(P256Curve.Identity));
    }

    [Fact]
    public void ScalarEqualityIsByValue()
    {
        BigInteger a = P256Curve.RandomNonZeroScalar();
        Assert.True(P256Curve.ScalarEquals(a, a.Add(P256Curve.Order)));
        Assert.False(P256Curve.ScalarEquals(a, a.Add(BigInteger.One)));
    }

    [Fact]
    public void BatchLagrangeCoefficientsAgreeWithTheDirectFormula()
    {
        var random = new Random(1795);
        for (int iteration = 0; iteration < 50; iteration++)
        {
            int[] xs = Enumerable.Range(1, 255).OrderBy(_ => random.Next()).Take(random.Next(1, 12)).ToArray();
            BigInteger[] lambdas = P256Curve.LagrangeCoefficientsAtZero(xs);
            for (int i = 0; i < xs.Length; i++)
            {
                BigInteger numerator = BigInteger.One;
                BigInteger denominator = BigInteger.One;
                foreach (int xj in xs.Where(x => x != xs[i]))
                {
                    numerator = numerator.Multiply(BigInteger.ValueOf(xj));
                    denominator = denominator.Multiply(BigInteger.ValueOf(xj - xs[i]));
                }

                Assert.Equal(numerator.Multiply(denominator.Mod(P256Curve.Order).ModInverse(P256Curve.Order)).Mod(P256Curve.Order), lambdas[i]);
                Assert.Equal(lambdas[i], P256Curve.LagrangeCoefficientAtZero(xs, xs[i]));
            }
        }

        Assert.Throws<ArgumentException>(() => P256Curve.LagrangeCoefficientsAtZero([]));
        Assert.Throws<ArgumentException>(() => P256Curve.LagrangeCoefficientsAtZero([3, 3]));
        Assert.Throws<ArgumentException>(() => P256Curve.LagrangeCoefficientsAtZero([-1, 3]));
    }

    [Fact]
    public void LagrangeCoefficientsInterpolateALine()
    {
        // f(x) = 5 + 3x: f(2) = 11, f(7) = 26 → f(0) = λ2·11 + λ7·26 = 5.
        int[] xs = [2, 7];
        BigInteger value = P256Curve.LagrangeCoefficientAtZero(xs, 2).Multiply(BigInteger.ValueOf(11))
            .Add(P256Curve.LagrangeCoefficientAtZero(xs, 7).Multiply(BigInteger.ValueOf(26)))
            .Mod(P256Curve.Order);
        Assert.Equal(BigInteger.ValueOf(5), value);
        Assert.Throws<ArgumentException>(() => P256Curve.LagrangeCoefficientAtZero([2, 2], 2));
        Assert.Throws<ArgumentException>(() => P256Curve.LagrangeCoefficientAtZero([0, 2], 2));
        Assert.Throws<ArgumentException>(() => P256Curve.LagrangeCoefficientAtZero([1, 2], 3));
    }

    [Fact]
    public void RandomPointEncodingsNeverCrash()
    {
        var random = new Random(256);
        for (int i = 0; i < 500; i++)
        {
            byte[] data = new byte[33];
            random.NextBytes(data);
            data[0] = (byte)(2 + (i & 1));
            Fuzz.Parse(() => Assert.True(P256Curve.DecodePoint(data).IsValid()));
        }
    }
}
