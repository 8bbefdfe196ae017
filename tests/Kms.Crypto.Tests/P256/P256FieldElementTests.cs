using System.Numerics;
using Kms.Crypto.P256;

namespace Kms.Crypto.Tests.P256;

public class P256FieldElementTests
{
    private static readonly BigInteger s_p = BigInteger.Parse("0ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", System.Globalization.NumberStyles.HexNumber);

    [Fact]
    public void ArithmeticAgreesWithBigIntegerOnRandomAndEdgeValues()
    {
        var random = new Random(9380);
        var values = new List<BigInteger>
        {
            0, 1, 2, 3, s_p - 1, s_p - 2, s_p - 3, s_p >> 1, (s_p >> 1) + 1,
            BigInteger.One << 255, BigInteger.One << 224, BigInteger.One << 192, BigInteger.One << 96, BigInteger.One << 52,
            (BigInteger.One << 52) - 1, (BigInteger.One << 104) - 1, (BigInteger.One << 208) - 1, (BigInteger.One << 255) - 1,
            (BigInteger.One << 256) - 1 - s_p, // 2^256 − p: all-ones radix-2^52 limbs in places
        };
        for (int i = 0; i < 300; i++)
        {
            values.Add(RandomBelowP(random));
        }

        for (int i = 0; i < values.Count; i++)
        {
            BigInteger a = values[i];
            BigInteger b = values[(i * 7 + 3) % values.Count];
            P256FieldElement fa = FromBig(a);
            P256FieldElement fb = FromBig(b);
            Assert.Equal(a, ToBig(fa));
            Assert.Equal((a + b) % s_p, ToBig(P256FieldElement.Add(fa, fb)));
            Assert.Equal(((a - b) % s_p + s_p) % s_p, ToBig(P256FieldElement.Subtract(fa, fb)));
            Assert.Equal((s_p - a) % s_p, ToBig(P256FieldElement.Negate(fa)));
            Assert.Equal(a * b % s_p, ToBig(P256FieldElement.Multiply(fa, fb)));
            Assert.Equal(a * a % s_p, ToBig(P256FieldElement.Square(fa)));
            Assert.Equal(a == b, P256FieldElement.EqualMask(fa, fb) == ulong.MaxValue);
            Assert.Equal(a.IsZero ? ulong.MaxValue : 0UL, fa.IsZeroMask());
        }
    }

    [Fact]
    public void CarryHeavyValuesMultiplyAndSquareCorrectly()
    {
        // Limbs drawn from {0, 1, 2^63, 2^64 − 1, random} exercise every carry and borrow path.
        var random = new Random(64);
        ulong[] choices = [0, 1, 1UL << 63, ulong.MaxValue];
        for (int i = 0; i < 2000; i++)
        {
            BigInteger a = Structured(random, choices) % s_p;
            BigInteger b = Structured(random, choices) % s_p;
            P256FieldElement fa = FromBig(a);
            P256FieldElement fb = FromBig(b);
            Assert.Equal(a * a % s_p, ToBig(P256FieldElement.Square(fa)));
            Assert.Equal(a * b % s_p, ToBig(P256FieldElement.Multiply(fa, fb)));
            Assert.Equal((a + b) % s_p, ToBig(P256FieldElement.Add(fa, fb)));
            Assert.Equal(((a - b) % s_p + s_p) % s_p, ToBig(P256FieldElement.Subtract(fa, fb)));
        }
    }

    [Fact]
    public void InversionAgreesWithFermatAndGivesOne()
    {
        var random = new Random(256);
        for (int i = 0; i < 40; i++)
        {
            BigInteger a = i == 0 ? s_p - 1 : RandomBelowP(random);
            P256FieldElement inverse = P256FieldElement.Invert(FromBig(a));
            Assert.Equal(BigInteger.ModPow(a, s_p - 2, s_p), ToBig(inverse));
            Assert.Equal(BigInteger.One, ToBig(P256FieldElement.Multiply(inverse, FromBig(a))));
        }

        Assert.Equal(BigInteger.Zero, ToBig(P256FieldElement.Invert(P256FieldElement.Zero)));
    }

    [Fact]
    public void SelectPicksByMask()
    {
        P256FieldElement a = FromBig(5);
        P256FieldElement b = FromBig(s_p - 7);
        Assert.Equal(new BigInteger(5), ToBig(P256FieldElement.Select(a, b, 0)));
        Assert.Equal(s_p - 7, ToBig(P256FieldElement.Select(a, b, ulong.MaxValue)));
    }

    [Fact]
    public void RejectsUnreducedEncodings()
    {
        BigInteger[] rejected = [s_p, s_p + 1, s_p + (BigInteger.One << 52), (BigInteger.One << 256) - 1, (BigInteger.One << 256) - (BigInteger.One << 192)];
        foreach (BigInteger value in rejected)
        {
            Assert.False(P256FieldElement.TryFromBytes(ToBytes(value), out _));
        }

        BigInteger[] accepted = [0, 1, s_p - 1, s_p - 2, s_p - (BigInteger.One << 52), (BigInteger.One << 255) + 1, (BigInteger.One << 256) - (BigInteger.One << 224)];
        foreach (BigInteger value in accepted)
        {
            Assert.True(P256FieldElement.TryFromBytes(ToBytes(value), out P256FieldElement element));
            Assert.Equal(value, ToBig(element));
        }

        Assert.Throws<ArgumentException>(() => P256FieldElement.TryFromBytes(new byte[31], out _));
        Assert.Throws<ArgumentException>(() => P256FieldElement.TryFromBytes(new byte[33], out _));
    }

    [Fact]
    public void TryFromBytesAgreesWithComparisonToPOnRandomAndNearPInputs()
    {
        var random = new Random(97);
        byte[] bytes = new byte[32];
        for (int i = 0; i < 3000; i++)
        {
            // Half the inputs share p's top bytes, so the comparison is decided deep in the low limbs.
            random.NextBytes(bytes);
            if (i % 2 == 0)
            {
                ToBytes(s_p).AsSpan(0, random.Next(33)).CopyTo(bytes);
            }

            var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            bool ok = P256FieldElement.TryFromBytes(bytes, out P256FieldElement element);
            Assert.Equal(value < s_p, ok);
            if (ok)
            {
                Assert.Equal(value, ToBig(element));
            }
        }
    }

    internal static P256FieldElement FromBig(BigInteger value)
    {
        Assert.True(P256FieldElement.TryFromBytes(ToBytes(value), out P256FieldElement result));
        return result;
    }

    internal static BigInteger ToBig(in P256FieldElement value)
    {
        byte[] bytes = new byte[32];
        value.ToBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static byte[] ToBytes(BigInteger value)
    {
        byte[] magnitude = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] result = new byte[32];
        magnitude.CopyTo(result, 32 - magnitude.Length);
        return result;
    }

    private static BigInteger Structured(Random random, ulong[] choices)
    {
        BigInteger value = BigInteger.Zero;
        for (int limb = 0; limb < 4; limb++)
        {
            int pick = random.Next(choices.Length + 1);
            ulong word = pick < choices.Length ? choices[pick] : (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            value |= new BigInteger(word) << (64 * limb);
        }

        return value;
    }

    private static BigInteger RandomBelowP(Random random)
    {
        byte[] bytes = new byte[32];
        while (true)
        {
            random.NextBytes(bytes);
            var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            if (value < s_p)
            {
                return value;
            }
        }
    }
}
