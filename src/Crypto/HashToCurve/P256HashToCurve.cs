using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.HashToCurve;

/// <summary>
/// RFC 9380 hashing to P-256: suite <c>P256_XMD:SHA-256_SSWU_RO_</c> (expand_message_xmd with SHA-256, L = 48,
/// simplified SWU with Z = −10, cofactor 1), plus hashing to a scalar modulo the group order as RFC 9497 uses it.
/// </summary>
/// <remarks>
/// The map (<see cref="P256SimplifiedSwu"/>) is constant time on this library's field arithmetic; hash_to_field reduces
/// the expanded bytes with BouncyCastle's variable-time BigInteger.
/// </remarks>
public static class P256HashToCurve
{
    /// <summary>The suite identifier.</summary>
    public const string SuiteId = "P256_XMD:SHA-256_SSWU_RO_";

    /// <summary>L = ceil((ceil(log2(p)) + k) / 8) with k = 128.</summary>
    public const int ExpandedElementLength = 48;

    /// <summary>hash_to_curve(msg) with the given domain separation tag (random-oracle encoding).</summary>
    public static ECPoint HashToCurve(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        BigInteger[] u = HashToField(message, dst, 2);
        P256ProjectivePoint q0 = P256SimplifiedSwu.Map(ToFieldElement(u[0]));
        P256ProjectivePoint q1 = P256SimplifiedSwu.Map(ToFieldElement(u[1]));
        // h_eff = 1 for P-256: clear_cofactor is the identity map.
        return P256Curve.ToECPoint(P256ProjectivePoint.Add(q0, q1));
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
    /// <exception cref="ArgumentOutOfRangeException">u is not reduced modulo p.</exception>
    public static ECPoint MapToCurve(BigInteger u) => P256Curve.ToECPoint(P256SimplifiedSwu.Map(ToFieldElement(u)));

    private static P256FieldElement ToFieldElement(BigInteger u)
    {
        ArgumentNullException.ThrowIfNull(u);
        if (u.SignValue < 0 || u.CompareTo(P256Curve.FieldPrime) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(u), "The field element is not reduced modulo p.");
        }

        Span<byte> bytes = stackalloc byte[32];
        byte[] magnitude = u.ToByteArrayUnsigned();
        magnitude.CopyTo(bytes[(32 - magnitude.Length)..]);
        P256FieldElement.TryFromBytes(bytes, out P256FieldElement result);
        return result;
    }

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
