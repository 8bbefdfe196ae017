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
    private static readonly F s_a = P256FieldPowers.Constant("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc");
    private static readonly F s_z = P256FieldPowers.Constant("ffffffff00000001000000000000000000000000fffffffffffffffffffffff5");

    // c2 = sqrt(−Z) = sqrt(10); any of the two roots works (the sign of y is fixed by sgn0 at the end).
    private static readonly F s_sqrtMinusZ = P256FieldPowers.SquareRootCandidate(P256FieldPowers.Constant("000000000000000000000000000000000000000000000000000000000000000a"));

    /// <summary>map_to_curve_simple_swu(u) as a projective point (never the identity).</summary>
    internal static P256ProjectivePoint Map(in F u)
    {
        F tv1 = F.Multiply(s_z, F.Square(u));                  // Z·u²
        F tv2 = F.Add(F.Square(tv1), tv1);                     // Z²·u⁴ + Z·u²
        F tv3 = F.Multiply(P256ProjectivePoint.B, F.Add(tv2, F.One));            // B·(tv2 + 1)
        F tv4 = F.Multiply(s_a, F.Select(s_z, F.Negate(tv2), ~tv2.IsZeroMask())); // A·(tv2 ≠ 0 ? −tv2 : Z)
        F tv6 = F.Square(tv4);
        F gxNumerator = F.Multiply(F.Add(F.Square(tv3), F.Multiply(s_a, tv6)), tv3);
        tv6 = F.Multiply(tv6, tv4);
        gxNumerator = F.Add(gxNumerator, F.Multiply(P256ProjectivePoint.B, tv6)); // g(x1) = gxNumerator / tv6 with x1 = tv3 / tv4
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
        F y1 = F.Multiply(P256FieldPowers.PowerPMinus3Over4(tv1), tv2);
        F y2 = F.Multiply(y1, s_sqrtMinusZ);
        ulong isSquare = F.EqualMask(F.Multiply(F.Square(y1), v), u);
        y = F.Select(y2, y1, isSquare);
        return isSquare;
    }

    /// <summary>sgn0 for a prime field: the parity of the canonical value (0 or 1).</summary>
    private static ulong Sign(in F value)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.ToBytes(bytes);
        return (ulong)(bytes[31] & 1);
    }
}
