using System.Globalization;
using Kms.Crypto.P256;
using NumericsInteger = System.Numerics.BigInteger;

namespace Kms.Crypto.Tests.P256;

/// <summary>The constant-time scalar field mod n against System.Numerics.BigInteger as the reference.</summary>
public class P256ScalarTests
{
    private static readonly NumericsInteger s_n =
        NumericsInteger.Parse("0ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", NumberStyles.HexNumber);

    private static readonly NumericsInteger[] s_edges =
    [
        0, 1, 2, 3, s_n - 1, s_n - 2, s_n >> 1, (s_n >> 1) + 1, NumericsInteger.One << 255, (NumericsInteger.One << 255) - 1,
        NumericsInteger.One << 192, (NumericsInteger.One << 128) - 1, NumericsInteger.One << 64, ulong.MaxValue,
    ];

    [Fact]
    public void ArithmeticAgreesWithTheReferenceOnEdgeAndRandomValues()
    {
        var random = new Random(2551);
        var values = s_edges.Concat(Enumerable.Range(0, 300).Select(_ => RandomBelowN(random))).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            NumericsInteger a = values[i];
            NumericsInteger b = values[(i * 7 + 3) % values.Length];
            P256Scalar sa = From(a);
            P256Scalar sb = From(b);
            Assert.Equal(a, To(sa));
            Assert.Equal(Mod(a + b), To(P256Scalar.Add(sa, sb)));
            Assert.Equal(Mod(a - b), To(P256Scalar.Subtract(sa, sb)));
            Assert.Equal(Mod(-a), To(P256Scalar.Negate(sa)));
            Assert.Equal(Mod(a * b), To(P256Scalar.Multiply(sa, sb)));
            Assert.Equal(a == b, P256Scalar.AreEqual(sa, sb));
            Assert.Equal(a.IsZero, sa.IsZero);
        }
    }

    [Fact]
    public void InversionAgreesWithTheReference()
    {
        var random = new Random(7);
        foreach (NumericsInteger a in s_edges.Concat(Enumerable.Range(0, 20).Select(_ => RandomBelowN(random))))
        {
            NumericsInteger expected = a.IsZero ? 0 : NumericsInteger.ModPow(a, s_n - 2, s_n);
            Assert.Equal(expected, To(P256Scalar.Invert(From(a))));
        }
    }

    [Fact]
    public void LongChainsOfMixedOperationsStayExact()
    {
        var random = new Random(99);
        NumericsInteger reference = RandomBelowN(random);
        P256Scalar value = From(reference);
        for (int i = 0; i < 5000; i++)
        {
            NumericsInteger operand = i % 11 == 0 ? s_n - 1 : RandomBelowN(random);
            P256Scalar scalar = From(operand);
            switch (i % 4)
            {
                case 0: reference = Mod(reference * operand); value = P256Scalar.Multiply(value, scalar); break;
                case 1: reference = Mod(reference + operand); value = P256Scalar.Add(value, scalar); break;
                case 2: reference = Mod(reference - operand); value = P256Scalar.Subtract(value, scalar); break;
                default: reference = Mod(reference * reference); value = P256Scalar.Multiply(value, value); break;
            }
        }

        Assert.Equal(reference, To(value));
    }

    [Fact]
    public void DecodingRejectsValuesFromTheOrderUpAndBadLengths()
    {
        foreach (NumericsInteger invalid in new[] { s_n, s_n + 1, (NumericsInteger.One << 256) - 1, NumericsInteger.One << 255 | s_n })
        {
            Assert.False(P256Scalar.TryFromBytes(Encode(invalid), out P256Scalar result));
            Assert.True(result.IsZero);
            Assert.Throws<CryptographicFormatException>(() => P256Scalar.FromBytes(Encode(invalid)));
        }

        Assert.True(P256Scalar.TryFromBytes(Encode(s_n - 1), out _));
        Assert.Throws<ArgumentException>(() => P256Scalar.TryFromBytes(new byte[31], out _));
        Assert.Throws<ArgumentException>(() => From(1).ToBytes(new byte[31]));
    }

    [Fact]
    public void ClearZeroesTheValue()
    {
        P256Scalar value = From(12345);
        value.Clear();
        Assert.True(value.IsZero);
    }

    private static P256Scalar From(NumericsInteger value) => P256Scalar.FromBytes(Encode(value));

    private static NumericsInteger To(P256Scalar value)
    {
        byte[] bytes = new byte[32];
        value.ToBytes(bytes);
        return new NumericsInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static byte[] Encode(NumericsInteger value)
    {
        byte[] magnitude = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] encoded = new byte[32];
        magnitude.CopyTo(encoded, 32 - magnitude.Length);
        return encoded;
    }

    private static NumericsInteger Mod(NumericsInteger value) => ((value % s_n) + s_n) % s_n;

    private static NumericsInteger RandomBelowN(Random random)
    {
        byte[] bytes = new byte[32];
        random.NextBytes(bytes);
        return Mod(new NumericsInteger(bytes, isUnsigned: true, isBigEndian: true));
    }
}
