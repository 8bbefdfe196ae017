using Kms.Crypto.P256;
using Org.BouncyCastle.Math.EC;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.HashToCurve;

/// <summary>
/// RFC 9380 hashing to P-256: suite <c>P256_XMD:SHA-256_SSWU_RO_</c> (expand_message_xmd with SHA-256, L = 48,
/// simplified SWU with Z = −10, cofactor 1), plus hashing to a scalar modulo the group order as RFC 9497 uses it.
/// </summary>
/// <remarks>
/// The map uses BouncyCastle field arithmetic and branches on whether g(x1) is square, so its running time may depend
/// on the input; inputs hashed by the KMS (namespace labels) are public.
/// </remarks>
public static class P256HashToCurve
{
    /// <summary>The suite identifier.</summary>
    public const string SuiteId = "P256_XMD:SHA-256_SSWU_RO_";

    /// <summary>L = ceil((ceil(log2(p)) + k) / 8) with k = 128.</summary>
    public const int ExpandedElementLength = 48;

    private static readonly ECCurve s_curve = P256Curve.Curve;
    private static readonly ECFieldElement s_a = s_curve.A;
    private static readonly ECFieldElement s_b = s_curve.B;
    private static readonly ECFieldElement s_z = s_curve.FromBigInteger(P256Curve.FieldPrime.Subtract(BigInteger.ValueOf(10)));
    private static readonly ECFieldElement s_minusBOverA = s_b.Negate().Divide(s_a);
    private static readonly ECFieldElement s_bOverZa = s_b.Divide(s_z.Multiply(s_a));

    /// <summary>hash_to_curve(msg) with the given domain separation tag (random-oracle encoding).</summary>
    public static ECPoint HashToCurve(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        BigInteger[] u = HashToField(message, dst, 2);
        ECPoint q0 = MapToCurve(u[0]);
        ECPoint q1 = MapToCurve(u[1]);
        // h_eff = 1 for P-256: clear_cofactor is the identity map.
        return q0.Add(q1).Normalize();
    }

    /// <summary>hash_to_field(msg, count) over GF(p), m = 1.</summary>
    public static BigInteger[] HashToField(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, int count) =>
        HashToModulus(message, dst, count, P256Curve.FieldPrime);

    /// <summary>
    /// RFC 9497 HashToScalar: hash_to_field with the group order as modulus (L = 48, count = 1).
    /// The result may be zero (with negligible probability); callers that need non-zero check it.
    /// </summary>
    public static BigInteger HashToScalar(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst) =>
        HashToModulus(message, dst, 1, P256Curve.Order)[0];

    /// <summary>map_to_curve_simple_swu(u) for P-256 (RFC 9380 §6.6.2).</summary>
    public static ECPoint MapToCurve(BigInteger u)
    {
        ArgumentNullException.ThrowIfNull(u);
        if (u.SignValue < 0 || u.CompareTo(P256Curve.FieldPrime) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(u), "The field element is not reduced modulo p.");
        }

        ECFieldElement fu = s_curve.FromBigInteger(u);
        ECFieldElement zu2 = s_z.Multiply(fu.Square());
        ECFieldElement tv1 = zu2.Square().Add(zu2);                 // Z^2·u^4 + Z·u^2
        ECFieldElement x1 = tv1.IsZero
            ? s_bOverZa                                             // exceptional case: x1 = B / (Z·A)
            : s_minusBOverA.Multiply(tv1.Invert().AddOne());        // x1 = (−B/A)·(1 + 1/tv1)
        ECFieldElement gx1 = Curve(x1);
        ECFieldElement x;
        ECFieldElement? y = gx1.Sqrt();
        if (y is not null)
        {
            x = x1;
        }
        else
        {
            x = zu2.Multiply(x1);                                   // x2 = Z·u^2·x1, and g(x2) is square
            y = Curve(x).Sqrt() ?? throw new InvalidOperationException("Simplified SWU produced no square root.");
        }

        if (u.TestBit(0) != y.ToBigInteger().TestBit(0))
        {
            y = y.Negate();
        }

        return s_curve.CreatePoint(x.ToBigInteger(), y.ToBigInteger()).Normalize();
    }

    private static ECFieldElement Curve(ECFieldElement x) => x.Square().Add(s_a).Multiply(x).Add(s_b);

    private static BigInteger[] HashToModulus(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, int count, BigInteger modulus)
    {
        if (count < 1 || count > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The element count must be 1 to 16.");
        }

        byte[] uniform = ExpandMessageXmd.Expand(message, dst, count * ExpandedElementLength);
        var result = new BigInteger[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = new BigInteger(1, uniform, i * ExpandedElementLength, ExpandedElementLength).Mod(modulus);
        }

        Array.Clear(uniform);
        return result;
    }
}
