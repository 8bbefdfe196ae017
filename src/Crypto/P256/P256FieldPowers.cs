using F = Kms.Crypto.P256.P256FieldElement;

namespace Kms.Crypto.P256;

/// <summary>
/// Fixed exponentiations in the P-256 base field (square roots for point decompression and hash-to-curve), built on
/// <see cref="P256FieldElement"/>'s constant-time squaring and multiplication. The exponents are public constants, so
/// every chain is a fixed sequence of operations.
/// </summary>
internal static class P256FieldPowers
{
    /// <summary>a^(2^count) by repeated squaring (count is public).</summary>
    internal static F SquareTimes(in F a, int count)
    {
        F result = a;
        for (int i = 0; i < count; i++)
        {
            result = F.Square(result);
        }

        return result;
    }

    /// <summary>
    /// a^((p − 3) / 4), the exponent of RFC 9380's sqrt_ratio for p ≡ 3 (mod 4). From the top, (p − 3) / 4 is 32 ones,
    /// 31 zeros, a one, 96 zeros and 94 ones: 254 squarings and 11 multiplications.
    /// </summary>
    internal static F PowerPMinus3Over4(in F a)
    {
        // xN = a^(2^N − 1), a run of N one bits.
        F x2 = F.Multiply(F.Square(a), a);
        F x4 = F.Multiply(SquareTimes(x2, 2), x2);
        F x8 = F.Multiply(SquareTimes(x4, 4), x4);
        F x16 = F.Multiply(SquareTimes(x8, 8), x8);
        F x24 = F.Multiply(SquareTimes(x16, 8), x8);
        F x28 = F.Multiply(SquareTimes(x24, 4), x4);
        F x30 = F.Multiply(SquareTimes(x28, 2), x2);
        F x32 = F.Multiply(SquareTimes(x16, 16), x16);
        F x64 = F.Multiply(SquareTimes(x32, 32), x32);
        F x94 = F.Multiply(SquareTimes(x64, 30), x30);

        F t = F.Multiply(SquareTimes(x32, 32), a);
        t = SquareTimes(t, 96);
        return F.Multiply(SquareTimes(t, 94), x94);
    }

    /// <summary>
    /// a^((p + 1) / 4) = a^((p − 3) / 4)·a: a square root of a whenever a is a square (p ≡ 3 mod 4). The caller checks
    /// the result by squaring it when a may not be a square.
    /// </summary>
    internal static F SquareRootCandidate(in F a) => F.Multiply(PowerPMinus3Over4(a), a);

    /// <summary>A field constant from 64 hex digits (big-endian, below p).</summary>
    internal static F Constant(string hex) =>
        F.TryFromBytes(Convert.FromHexString(hex), out F result)
            ? result
            : throw new ArgumentException("The constant is not a reduced field element.", nameof(hex));
}
