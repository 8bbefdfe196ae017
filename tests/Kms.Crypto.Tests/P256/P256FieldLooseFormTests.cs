using System.Numerics;
using Kms.Crypto.P256;
using static Kms.Crypto.Tests.P256.P256FieldReference;

namespace Kms.Crypto.Tests.P256;

/// <summary>
/// Differential tests of <see cref="P256FieldElement"/> on its raw limbs against BigInteger: every operation on every
/// loose input (limbs up to their bounds, values up to just above 2^257, zero spelled as 0, p or 2p) must give the right
/// residue and a loose result.
/// </summary>
public class P256FieldLooseFormTests
{
    [Fact]
    public void EveryOperationAgreesWithBigIntegerOnLooseEdgeCasesPairwise()
    {
        P256FieldElement[] edges = [.. LooseEdgeCases()];
        foreach (P256FieldElement a in edges)
        {
            CheckUnary(a);
            foreach (P256FieldElement b in edges)
            {
                CheckBinary(a, b);
            }
        }
    }

    [Fact]
    public void EveryOperationAgreesWithBigIntegerOnRandomLooseValues()
    {
        var random = new Random(52);
        for (int i = 0; i < 3000; i++)
        {
            P256FieldElement a = RandomLoose(random);
            P256FieldElement b = RandomLoose(random);
            CheckUnary(a);
            CheckBinary(a, b);
        }
    }

    [Fact]
    public void InvertAgreesWithBigIntegerOnLooseValues()
    {
        var random = new Random(2);
        var inputs = new List<P256FieldElement>(LooseEdgeCases());
        for (int i = 0; i < 30; i++)
        {
            inputs.Add(RandomLoose(random));
        }

        foreach (P256FieldElement a in inputs)
        {
            BigInteger value = Value(a);
            P256FieldElement inverse = P256FieldElement.Invert(a);
            AssertLoose(inverse);
            Assert.Equal(value.IsZero ? BigInteger.Zero : BigInteger.ModPow(value, P - 2, P), Value(inverse));
        }
    }

    [Fact]
    public void LongMixedSequencesStayCorrectAndLoose()
    {
        // 10,000 operations, each result checked and fed back into a small pool, so bounds compound as in the point
        // formulas (sums of sums, differences of differences, products of both).
        var random = new Random(10_000);
        var pool = new P256FieldElement[8];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = i == 0 ? LargestLoose : RandomLoose(random);
        }

        for (int step = 0; step < 10_000; step++)
        {
            P256FieldElement a = pool[random.Next(pool.Length)];
            P256FieldElement b = pool[random.Next(pool.Length)];
            BigInteger va = Value(a), vb = Value(b);
            P256FieldElement result;
            BigInteger expected;
            switch (random.Next(7))
            {
                case 0:
                    (result, expected) = (P256FieldElement.Multiply(a, b), va * vb);
                    break;
                case 1:
                    (result, expected) = (P256FieldElement.Square(a), va * va);
                    break;
                case 2:
                case 3:
                    (result, expected) = (P256FieldElement.Add(a, b), va + vb);
                    break;
                case 4:
                case 5:
                    (result, expected) = (P256FieldElement.Subtract(a, b), va - vb);
                    break;
                default:
                    (result, expected) = (P256FieldElement.Negate(a), -va);
                    break;
            }

            AssertLoose(result);
            Assert.Equal(Mod(expected), Value(result));
            pool[random.Next(pool.Length)] = result;
        }
    }

    [Fact]
    public void RepeatedAdditionOfPMinusOneStaysCorrectAndLoose()
    {
        P256FieldElement pMinusOne = FromValue(P - 1);
        P256FieldElement sum = LargestLoose;
        BigInteger expected = Value(sum);
        for (int i = 0; i < 2000; i++)
        {
            sum = P256FieldElement.Add(sum, pMinusOne);
            expected = Mod(expected + P - 1);
            AssertLoose(sum);
            Assert.Equal(expected, Value(sum));
        }

        // Doubling chains from the largest loose value: the 2x/3x/4x/8x multiples the point formulas build.
        P256FieldElement x = LargestLoose;
        BigInteger vx = Value(x);
        for (int i = 0; i < 200; i++)
        {
            P256FieldElement twice = P256FieldElement.Add(x, x);
            P256FieldElement thrice = P256FieldElement.Add(twice, x);
            P256FieldElement four = P256FieldElement.Add(twice, twice);
            P256FieldElement eight = P256FieldElement.Add(four, four);
            foreach ((P256FieldElement e, int k) in new[] { (twice, 2), (thrice, 3), (four, 4), (eight, 8) })
            {
                AssertLoose(e);
                Assert.Equal(Mod(k * vx), Value(e));
            }

            x = eight;
            vx = Value(x);
        }
    }

    [Fact]
    public void SubtractingTheLargestLooseValueAndSquaringItAreCorrect()
    {
        P256FieldElement largest = LargestLoose;
        BigInteger v = Value(largest);
        foreach (P256FieldElement a in LooseEdgeCases())
        {
            P256FieldElement difference = P256FieldElement.Subtract(a, largest);
            AssertLoose(difference);
            Assert.Equal(Mod(Value(a) - v), Value(difference));

            // Subtract again from the (loose) difference: differences of differences.
            P256FieldElement again = P256FieldElement.Subtract(difference, largest);
            AssertLoose(again);
            Assert.Equal(Mod(Value(a) - (2 * v)), Value(again));
        }

        P256FieldElement square = largest;
        BigInteger expected = v;
        for (int i = 0; i < 50; i++)
        {
            square = P256FieldElement.Square(square);
            expected = expected * expected % P;
            AssertLoose(square);
            Assert.Equal(expected, Value(square));
        }

        P256FieldElement product = P256FieldElement.Multiply(largest, largest);
        AssertLoose(product);
        Assert.Equal(v * v % P, Value(product));
    }

    [Fact]
    public void ZeroInEveryLooseSpellingIsZero()
    {
        foreach (P256FieldElement zero in new[] { default, FromRaw(P), FromRaw(2 * P) })
        {
            Assert.Equal(ulong.MaxValue, zero.IsZeroMask());
            Assert.Equal(ulong.MaxValue, P256FieldElement.EqualMask(zero, P256FieldElement.Zero));
            byte[] bytes = new byte[32];
            zero.ToBytes(bytes);
            Assert.All(bytes, b => Assert.Equal(0, b));
        }

        // Just next to the zero spellings, nothing is zero.
        foreach (BigInteger raw in new[] { BigInteger.One, P - 1, P + 1, (2 * P) - 1, (2 * P) + 1 })
        {
            Assert.Equal(0UL, FromRaw(raw).IsZeroMask());
        }
    }

    [Fact]
    public void ConstantsAreOneAndZero()
    {
        Assert.Equal(BigInteger.One, Value(P256FieldElement.One));
        Assert.Equal(BigInteger.Zero, Value(P256FieldElement.Zero));
        AssertLoose(P256FieldElement.One);
    }

    private static void CheckUnary(in P256FieldElement a)
    {
        BigInteger va = Value(a);
        Check(P256FieldElement.Square(a), va * va);
        Check(P256FieldElement.Negate(a), -va);
        Assert.Equal(va.IsZero ? ulong.MaxValue : 0UL, a.IsZeroMask());
        byte[] bytes = new byte[32];
        a.ToBytes(bytes);
        Assert.Equal(va, new BigInteger(bytes, isUnsigned: true, isBigEndian: true));
        Assert.True(P256FieldElement.TryFromBytes(bytes, out P256FieldElement back));
        AssertLoose(back);
        Assert.Equal(va, Value(back));
    }

    private static void CheckBinary(in P256FieldElement a, in P256FieldElement b)
    {
        BigInteger va = Value(a), vb = Value(b);
        Check(P256FieldElement.Multiply(a, b), va * vb);
        Check(P256FieldElement.Add(a, b), va + vb);
        Check(P256FieldElement.Subtract(a, b), va - vb);
        Assert.Equal(va == vb ? ulong.MaxValue : 0UL, P256FieldElement.EqualMask(a, b));
        Assert.Equal(Raw(a), Raw(P256FieldElement.Select(a, b, 0)));
        Assert.Equal(Raw(b), Raw(P256FieldElement.Select(a, b, ulong.MaxValue)));
    }

    private static void Check(in P256FieldElement result, BigInteger expected)
    {
        AssertLoose(result);
        Assert.Equal(Mod(expected), Value(result));
    }
}
