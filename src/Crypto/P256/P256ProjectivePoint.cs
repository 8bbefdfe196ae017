using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using F = Kms.Crypto.P256.P256FieldElement;

namespace Kms.Crypto.P256;

/// <summary>
/// A P-256 point in homogeneous projective coordinates (X : Y : Z) ↦ (X/Z, Y/Z); the identity is (0 : 1 : 0).
/// Addition and doubling use the complete formulas for a = −3 of Renes, Costello and Batina (2016, Algorithms 4
/// and 6): they are correct for every pair of inputs (identity, P + P, P + (−P)) and have no branches at all.
/// </summary>
// Sequential: the scalar multiplier reads tables of points as consecutive limbs (X, Y, Z: 3 × LimbCount).
[StructLayout(LayoutKind.Sequential)]
internal struct P256ProjectivePoint
{
    internal F X;
    internal F Y;
    internal F Z;

    private static readonly F s_b = P256FieldPowers.Constant("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    internal P256ProjectivePoint(in F x, in F y, in F z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    /// <summary>The curve coefficient b (the equation is y² = x³ − 3x + b).</summary>
    internal static F B => s_b;

    /// <summary>The identity (0 : 1 : 0).</summary>
    internal static P256ProjectivePoint Identity => new(F.Zero, F.One, F.Zero);

    /// <summary>All-ones when the point is the identity (Z = 0), else zero.</summary>
    internal readonly ulong IsIdentityMask() => Z.IsZeroMask();

    /// <summary>Creates (x : y : 1) from affine coordinates without checking the curve equation.</summary>
    internal static P256ProjectivePoint FromAffine(in F x, in F y) => new(x, y, F.One);

    /// <summary>True when the point satisfies Y²Z = X³ − 3XZ² + bZ³ (the identity does too).</summary>
    internal readonly bool IsOnCurve()
    {
        F z2 = F.Square(Z);
        F lhs = F.Multiply(F.Square(Y), Z);
        F x3 = F.Multiply(F.Square(X), X);
        F threeXz2 = F.Multiply(X, z2);
        threeXz2 = F.Add(F.Add(threeXz2, threeXz2), threeXz2);
        F rhs = F.Add(F.Subtract(x3, threeXz2), F.Multiply(s_b, F.Multiply(z2, Z)));
        return F.EqualMask(lhs, rhs) != 0;
    }

    /// <summary>Returns <paramref name="b"/> when <paramref name="mask"/> is all-ones, <paramref name="a"/> when zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static P256ProjectivePoint Select(in P256ProjectivePoint a, in P256ProjectivePoint b, ulong mask) =>
        new(F.Select(a.X, b.X, mask), F.Select(a.Y, b.Y, mask), F.Select(a.Z, b.Z, mask));

    internal static P256ProjectivePoint Negate(in P256ProjectivePoint p) => new(p.X, F.Negate(p.Y), p.Z);

    /// <summary>True when both points are the same group element (cross-multiplied comparison).</summary>
    internal static bool AreEqual(in P256ProjectivePoint p, in P256ProjectivePoint q)
    {
        ulong x = F.EqualMask(F.Multiply(p.X, q.Z), F.Multiply(q.X, p.Z));
        ulong y = F.EqualMask(F.Multiply(p.Y, q.Z), F.Multiply(q.Y, p.Z));
        ulong bothIdentity = p.IsIdentityMask() & q.IsIdentityMask();
        ulong neitherIdentity = ~p.IsIdentityMask() & ~q.IsIdentityMask();
        return (bothIdentity | (neitherIdentity & x & y)) != 0;
    }

    /// <summary>Complete addition P + Q (RCB 2016, Algorithm 4, a = −3): 12M + 2·mul-by-b.</summary>
    internal static P256ProjectivePoint Add(in P256ProjectivePoint p, in P256ProjectivePoint q)
    {
        F t0 = F.Multiply(p.X, q.X);
        F t1 = F.Multiply(p.Y, q.Y);
        F t2 = F.Multiply(p.Z, q.Z);
        F t3 = F.Add(p.X, p.Y);
        F t4 = F.Add(q.X, q.Y);
        t3 = F.Multiply(t3, t4);
        t4 = F.Add(t0, t1);
        t3 = F.Subtract(t3, t4);
        t4 = F.Add(p.Y, p.Z);
        F x3 = F.Add(q.Y, q.Z);
        t4 = F.Multiply(t4, x3);
        x3 = F.Add(t1, t2);
        t4 = F.Subtract(t4, x3);
        x3 = F.Add(p.X, p.Z);
        F y3 = F.Add(q.X, q.Z);
        x3 = F.Multiply(x3, y3);
        y3 = F.Add(t0, t2);
        y3 = F.Subtract(x3, y3);
        return CompleteAddition(t0, t1, t2, t3, t4, y3);
    }

    /// <summary>
    /// Mixed addition P + (x2, y2) with an affine second point (RCB 2016, Algorithm 5, a = −3): 11M + 2·mul-by-b. It
    /// is Algorithm 4 with Z2 = 1 and stays correct for every P (the identity and ±(x2, y2) included); the affine
    /// point itself can never be the identity, so callers that may add the identity must select around it.
    /// </summary>
    internal static P256ProjectivePoint AddAffine(in P256ProjectivePoint p, in F x2, in F y2)
    {
        F t0 = F.Multiply(p.X, x2);
        F t1 = F.Multiply(p.Y, y2);
        F t3 = F.Add(x2, y2);
        F t4 = F.Add(p.X, p.Y);
        t3 = F.Multiply(t3, t4);
        t4 = F.Add(t0, t1);
        t3 = F.Subtract(t3, t4);
        t4 = F.Multiply(y2, p.Z);
        t4 = F.Add(t4, p.Y);
        F y3 = F.Multiply(x2, p.Z);
        y3 = F.Add(y3, p.X);
        return CompleteAddition(t0, t1, p.Z, t3, t4, y3);
    }

    /// <summary>
    /// The second half of RCB 2016 Algorithms 4 and 5, which is the same once the first half has produced
    /// t0 = X1·X2, t1 = Y1·Y2, t3, t4 and y3; <paramref name="zz"/> is Z1·Z2 (Algorithm 4) or Z1 (Algorithm 5, Z2 = 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static P256ProjectivePoint CompleteAddition(F t0, F t1, in F zz, in F t3, in F t4, F y3)
    {
        F z3 = F.Multiply(s_b, zz);
        F x3 = F.Subtract(y3, z3);
        z3 = F.Add(x3, x3);
        x3 = F.Add(x3, z3);
        z3 = F.Subtract(t1, x3);
        x3 = F.Add(t1, x3);
        y3 = F.Multiply(s_b, y3);
        t1 = F.Add(zz, zz);
        F t2 = F.Add(t1, zz);
        y3 = F.Subtract(y3, t2);
        y3 = F.Subtract(y3, t0);
        t1 = F.Add(y3, y3);
        y3 = F.Add(t1, y3);
        t1 = F.Add(t0, t0);
        t0 = F.Add(t1, t0);
        t0 = F.Subtract(t0, t2);
        t1 = F.Multiply(t4, y3);
        t2 = F.Multiply(t0, y3);
        y3 = F.Multiply(x3, z3);
        y3 = F.Add(y3, t2);
        x3 = F.Multiply(t3, x3);
        x3 = F.Subtract(x3, t1);
        z3 = F.Multiply(t4, z3);
        t1 = F.Multiply(t3, t0);
        z3 = F.Add(z3, t1);
        return new P256ProjectivePoint(x3, y3, z3);
    }

    /// <summary>Complete doubling 2P (RCB 2016, Algorithm 6, a = −3): 8M + 3S + 2·mul-by-b.</summary>
    internal static P256ProjectivePoint Double(in P256ProjectivePoint p)
    {
        F t0 = F.Square(p.X);
        F t1 = F.Square(p.Y);
        F t2 = F.Square(p.Z);
        F t3 = F.Multiply(p.X, p.Y);
        t3 = F.Add(t3, t3);
        F z3 = F.Multiply(p.X, p.Z);
        z3 = F.Add(z3, z3);
        F y3 = F.Multiply(s_b, t2);
        y3 = F.Subtract(y3, z3);
        F x3 = F.Add(y3, y3);
        y3 = F.Add(x3, y3);
        x3 = F.Subtract(t1, y3);
        y3 = F.Add(t1, y3);
        y3 = F.Multiply(x3, y3);
        x3 = F.Multiply(x3, t3);
        t3 = F.Add(t2, t2);
        t2 = F.Add(t2, t3);
        z3 = F.Multiply(s_b, z3);
        z3 = F.Subtract(z3, t2);
        z3 = F.Subtract(z3, t0);
        t3 = F.Add(z3, z3);
        z3 = F.Add(z3, t3);
        t3 = F.Add(t0, t0);
        t0 = F.Add(t3, t0);
        t0 = F.Subtract(t0, t2);
        t0 = F.Multiply(t0, z3);
        y3 = F.Add(y3, t0);
        t0 = F.Multiply(p.Y, p.Z);
        t0 = F.Add(t0, t0);
        z3 = F.Multiply(t0, z3);
        x3 = F.Subtract(x3, z3);
        z3 = F.Multiply(t0, t1);
        z3 = F.Add(z3, z3);
        z3 = F.Add(z3, z3);
        return new P256ProjectivePoint(x3, y3, z3);
    }

    /// <summary>
    /// 2^<paramref name="count"/>·P. The chain runs in Jacobian coordinates (x = X/Z², y = Y/Z³) with the a = −3
    /// doubling dbl-2001-b (3M + 5S instead of 8M + 3S + 2·mul-by-b): it has no exceptional case on P-256 (no point of
    /// order 2; the identity, Z = 0, stays Z = 0) and no branch, so it is constant time for a fixed count.
    /// </summary>
    internal static P256ProjectivePoint DoubleRepeated(in P256ProjectivePoint p, int count)
    {
        // Projective (X : Y : Z) → Jacobian (X·Z, Y·Z², Z).
        F zz = F.Square(p.Z);
        F x = F.Multiply(p.X, p.Z);
        F y = F.Multiply(p.Y, zz);
        F z = p.Z;
        for (int i = 0; i < count; i++)
        {
            DoubleJacobian(ref x, ref y, ref z);
        }

        // Jacobian → projective (X·Z : Y : Z³); the identity comes back as (0 : 0 : 0) and is mapped to (0 : 1 : 0).
        zz = F.Square(z);
        var result = new P256ProjectivePoint(F.Multiply(x, z), y, F.Multiply(zz, z));
        return Select(result, Identity, z.IsZeroMask());
    }

    /// <summary>
    /// One doubling of the Jacobian point (x, y, z) in place: dbl-2001-b for a = −3 (3M + 5S). It has no exceptional
    /// case on P-256 (no point of order 2; z = 0, the identity, stays 0) and no branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void DoubleJacobian(ref F x, ref F y, ref F z)
    {
        F delta = F.Square(z);
        F gamma = F.Square(y);
        F beta = F.Multiply(x, gamma);
        F alpha = F.Multiply(F.Subtract(x, delta), F.Add(x, delta));
        alpha = F.Add(F.Add(alpha, alpha), alpha);
        F beta4 = F.Add(beta, beta);
        beta4 = F.Add(beta4, beta4);
        F x3 = F.Subtract(F.Square(alpha), F.Add(beta4, beta4));
        F z3 = F.Add(y, z);
        z3 = F.Subtract(F.Subtract(F.Square(z3), gamma), delta);
        F gamma8 = F.Square(gamma);
        gamma8 = F.Add(gamma8, gamma8);
        gamma8 = F.Add(gamma8, gamma8);
        gamma8 = F.Add(gamma8, gamma8);
        y = F.Subtract(F.Multiply(alpha, F.Subtract(beta4, x3)), gamma8);
        x = x3;
        z = z3;
    }

    /// <summary>
    /// Affine coordinates (constant-time inversion of Z). Returns false for the identity, which has none; whether the
    /// point is the identity is the only thing revealed.
    /// </summary>
    internal readonly bool TryToAffine(out F x, out F y)
    {
        F zInverse = F.Invert(Z);
        x = F.Multiply(X, zInverse);
        y = F.Multiply(Y, zInverse);
        return IsIdentityMask() == 0;
    }
}
