using Kms.Crypto.P256;
using F = Kms.Crypto.P256.P256FieldElement;

namespace Kms.Crypto.HashToCurve;

/// <summary>
/// The simplified SWU map for P-256 (Z = −10) in the constant-time form of RFC 9380 Appendix F.2, with sqrt_ratio for
/// q ≡ 3 (mod 4) (F.2.1.2), on this library's field arithmetic: one exponentiation and no inversion per map (the
/// result stays projective, x = X/Z).
/// </summary>
internal static class P256SimplifiedSwu
{
    private static readonly F s_a = FromHex("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc");
    private static readonly F s_b = FromHex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    private static readonly F s_z = FromHex("ffffffff00000001000000000000000000000000fffffffffffffffffffffff5");

    // c2 = sqrt(−Z) = sqrt(10); any of the two roots works (the sign of y is fixed by sgn0 at the end).
    private static readonly F s_sqrtMinusZ = SquareRootOfSquare(FromHex("000000000000000000000000000000000000000000000000000000000000000a"));

    /// <summary>map_to_curve_simple_swu(u) as a projective point (never the identity).</summary>
    internal static P256ProjectivePoint Map(in F u)
    {
        F tv1 = F.Multiply(s_z, F.Square(u));                  // Z·u²
        F tv2 = F.Add(F.Square(tv1), tv1);                     // Z²·u⁴ + Z·u²
        F tv3 = F.Multiply(s_b, F.Add(tv2, F.One));            // B·(tv2 + 1)
        F tv4 = F.Multiply(s_a, F.Select(s_z, F.Negate(tv2), ~tv2.IsZeroMask())); // A·(tv2 ≠ 0 ? −tv2 : Z)
        F tv6 = F.Square(tv4);
        F gxNumerator = F.Multiply(F.Add(F.Square(tv3), F.Multiply(s_a, tv6)), tv3);
        tv6 = F.Multiply(tv6, tv4);
        gxNumerator = F.Add(gxNumerator, F.Multiply(s_b, tv6)); // g(x1) = gxNumerator / tv6 with x1 = tv3 / tv4
        F x = F.Multiply(tv1, tv3);                             // x2 numerator: Z·u²·x1
        ulong isSquare = SquareRootRatio(gxNumerator, tv6, out F y1);
        F y = F.Multiply(F.Multiply(tv1, u), y1);
        x = F.Select(x, tv3, isSquare);
        y = F.Select(y, y1, isSquare);
        ulong sameSign = 0 - (1 ^ (Sign(u) ^ Sign(y)));
        y = F.Select(F.Negate(y), y, sameSign);

        // Affine (x / tv4, y) as homogeneous projective coordinates (x : y·tv4 : tv4).
        return new P256ProjectivePoint(x, F.Multiply(y, tv4), tv4);
    }

    /// <summary>
    /// sqrt_ratio(u, v) for q ≡ 3 (mod 4): returns all-ones with y = sqrt(u / v) when u / v is square, else zero with
    /// y = sqrt(Z·u / v).
    /// </summary>
    private static ulong SquareRootRatio(in F u, in F v, out F y)
    {
        F tv2 = F.Multiply(u, v);
        F tv1 = F.Multiply(F.Square(v), tv2);
        F y1 = F.Multiply(PowerQMinus3Over4(tv1), tv2);
        F y2 = F.Multiply(y1, s_sqrtMinusZ);
        ulong isSquare = F.EqualMask(F.Multiply(F.Square(y1), v), u);
        y = F.Select(y2, y1, isSquare);
        return isSquare;
    }

    /// <summary>
    /// a^((p − 3) / 4) with a fixed addition chain: (p − 3) / 4 is, from the top, 32 ones, 31 zeros, a one, 96 zeros
    /// and 94 ones.
    /// </summary>
    private static F PowerQMinus3Over4(in F a)
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

    /// <summary>The square root of a value known to be a square: a^((p + 1) / 4) = a^((p − 3) / 4) · a.</summary>
    private static F SquareRootOfSquare(in F a) => F.Multiply(PowerQMinus3Over4(a), a);

    /// <summary>sgn0 for a prime field: the parity of the canonical value (0 or 1).</summary>
    private static ulong Sign(in F value)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.ToBytes(bytes);
        return (ulong)(bytes[31] & 1);
    }

    private static F SquareTimes(in F a, int count)
    {
        F result = a;
        for (int i = 0; i < count; i++)
        {
            result = F.Square(result);
        }

        return result;
    }

    private static F FromHex(string hex)
    {
        F.TryFromBytes(Convert.FromHexString(hex), out F result);
        return result;
    }
}
