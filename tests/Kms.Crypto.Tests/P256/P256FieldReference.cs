using System.Numerics;
using Kms.Crypto.P256;

namespace Kms.Crypto.Tests.P256;

/// <summary>
/// BigInteger reference for <see cref="P256FieldElement"/>'s internal representation: five radix-2^52 limbs holding a
/// value congruent to a·2^260 (Montgomery form), loose (L0..L3 &lt; 2^55, L4 &lt; 2^49, not necessarily below p).
/// </summary>
internal static class P256FieldReference
{
    internal static readonly BigInteger P = (BigInteger.One << 256) - (BigInteger.One << 224) + (BigInteger.One << 192) + (BigInteger.One << 96) - 1;

    internal const ulong LimbBound = 1UL << 55;
    internal const ulong TopLimbBound = 1UL << 49;

    // R = 2^260; R^−1 mod p.
    private static readonly BigInteger s_r = BigInteger.One << 260;
    private static readonly BigInteger s_rInverse = BigInteger.ModPow(s_r, P - 2, P);

    /// <summary>The integer the limbs spell (not reduced).</summary>
    internal static BigInteger Raw(in P256FieldElement e) =>
        new BigInteger(e.L0) + (new BigInteger(e.L1) << 52) + (new BigInteger(e.L2) << 104) + (new BigInteger(e.L3) << 156) + (new BigInteger(e.L4) << 208);

    /// <summary>The field element the limbs stand for: Raw·R^−1 mod p.</summary>
    internal static BigInteger Value(in P256FieldElement e) => Raw(e) * s_rInverse % P;

    /// <summary>Canonical Montgomery limbs (below 2^52 each) of <paramref name="value"/> mod p.</summary>
    internal static P256FieldElement FromValue(BigInteger value) => FromRaw(Mod(value) * s_r % P);

    /// <summary>Limbs spelling <paramref name="raw"/> exactly (0 ≤ raw &lt; 2^260), normalized to 52 bits per limb below the top.</summary>
    internal static P256FieldElement FromRaw(BigInteger raw)
    {
        BigInteger mask = (BigInteger.One << 52) - 1;
        return new P256FieldElement(
            (ulong)(raw & mask), (ulong)((raw >> 52) & mask), (ulong)((raw >> 104) & mask), (ulong)((raw >> 156) & mask), (ulong)(raw >> 208));
    }

    internal static BigInteger Mod(BigInteger value) => ((value % P) + P) % P;

    /// <summary>Fails unless every limb is within the loose bounds every operation must keep.</summary>
    internal static void AssertLoose(in P256FieldElement e)
    {
        Assert.True(e.L0 < LimbBound && e.L1 < LimbBound && e.L2 < LimbBound && e.L3 < LimbBound, $"limb above 2^55: {e.L0:X} {e.L1:X} {e.L2:X} {e.L3:X}");
        Assert.True(e.L4 < TopLimbBound, $"top limb above 2^49: {e.L4:X}");
    }

    /// <summary>
    /// A loose element, often at the edges: each limb is 0, 1, 2^52 − 1, 2^52, the largest allowed or random below its
    /// bound; or (one time in four) a canonical random field element.
    /// </summary>
    internal static P256FieldElement RandomLoose(Random random)
    {
        if (random.Next(4) == 0)
        {
            return FromValue(RandomBelowP(random));
        }

        return new P256FieldElement(
            RandomLimb(random, LimbBound), RandomLimb(random, LimbBound), RandomLimb(random, LimbBound), RandomLimb(random, LimbBound), RandomLimb(random, TopLimbBound));
    }

    internal static BigInteger RandomBelowP(Random random)
    {
        byte[] bytes = new byte[32];
        while (true)
        {
            random.NextBytes(bytes);
            var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            if (value < P)
            {
                return value;
            }
        }
    }

    /// <summary>The largest loose element: every limb at its bound minus one (value just above 2^257).</summary>
    internal static P256FieldElement LargestLoose => new(LimbBound - 1, LimbBound - 1, LimbBound - 1, LimbBound - 1, TopLimbBound - 1);

    /// <summary>Loose edge cases: zero spelled as 0, p and 2p; the largest loose value; single maximal limbs; p ± 1.</summary>
    internal static IEnumerable<P256FieldElement> LooseEdgeCases()
    {
        yield return default;
        yield return FromRaw(P);
        yield return FromRaw(2 * P);
        yield return FromRaw(P - 1);
        yield return FromRaw(P + 1);
        yield return FromRaw(2 * P - 1);
        yield return FromRaw((BigInteger.One << 256) - 1);
        yield return FromRaw((BigInteger.One << 257) - 1);
        yield return LargestLoose;
        yield return new P256FieldElement(LimbBound - 1, 0, 0, 0, 0);
        yield return new P256FieldElement(0, LimbBound - 1, 0, 0, 0);
        yield return new P256FieldElement(0, 0, LimbBound - 1, 0, 0);
        yield return new P256FieldElement(0, 0, 0, LimbBound - 1, 0);
        yield return new P256FieldElement(0, 0, 0, 0, TopLimbBound - 1);
        yield return new P256FieldElement(LimbBound - 1, LimbBound - 1, LimbBound - 1, LimbBound - 1, 0);
        yield return new P256FieldElement(0, 0, 0, 0, (1UL << 48) - 1);
        yield return new P256FieldElement(1, 1, 1, 1, 1);
    }

    private static ulong RandomLimb(Random random, ulong bound) => random.Next(6) switch
    {
        0 => 0,
        1 => 1,
        2 => bound == LimbBound ? (1UL << 52) - 1 : (1UL << 48) - 1,
        3 => bound == LimbBound ? 1UL << 52 : 1UL << 48,
        4 => bound - 1,
        _ => (ulong)random.NextInt64((long)bound),
    };
}
