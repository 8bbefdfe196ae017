using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.P256;

/// <summary>
/// NIST P-256 (secp256r1) group operations shared by secret sharing, hash-to-curve and the OPRF:
/// strict encodings (SEC1 compressed points, 32-byte big-endian scalars), scalar arithmetic modulo
/// the group order and multiplications. Points and scalars cross the API as BouncyCastle types; the multiplications
/// run on this library's own P-256 core (<see cref="P256FieldElement"/>, <see cref="P256ProjectivePoint"/>,
/// <see cref="P256ScalarMultiplier"/>).
/// </summary>
/// <remarks>
/// Side channels: <see cref="Multiply"/> and <see cref="MultiplyGenerator"/> are constant time in the scalar (fixed
/// windows, complete addition formulas, masked table scans) and are the ones to use with secret scalars (shares, OPRF
/// keys, blinds, proof nonces). <see cref="SumOfTwoMultiplies"/> and <see cref="SumOfMultiplies"/> are variable time
/// and must only be given public scalars and points (proof verification, Feldman commitments, Lagrange interpolation).
/// Scalars are Org.BouncyCastle <see cref="BigInteger"/> values, which are immutable and cannot be wiped (nor is their
/// arithmetic constant time); the byte and limb buffers used here are zeroed after use.
/// </remarks>
public static class P256Curve
{
    /// <summary>Size in bytes of an encoded scalar (Ns).</summary>
    public const int ScalarSize = 32;

    /// <summary>Size in bytes of a compressed SEC1 point (Ne).</summary>
    public const int CompressedPointSize = 33;

    private static readonly X9ECParameters s_parameters = CustomNamedCurves.GetByName("secp256r1");

    /// <summary>The curve (BouncyCastle's optimized secp256r1 implementation).</summary>
    public static ECCurve Curve { get; } = s_parameters.Curve;

    /// <summary>The base point G.</summary>
    public static ECPoint Generator { get; } = CreateGenerator();

    /// <summary>The prime order n of the group.</summary>
    public static BigInteger Order { get; } = s_parameters.N;

    /// <summary>The prime p of the base field.</summary>
    public static BigInteger FieldPrime { get; } = s_parameters.Curve.Field.Characteristic;

    /// <summary>The identity element (point at infinity).</summary>
    public static ECPoint Identity => Curve.Infinity;

    /// <summary>Returns k·G (constant time in k: precomputed 4-bit window table read by full scans).</summary>
    public static ECPoint MultiplyGenerator(BigInteger k)
    {
        Span<byte> scalar = stackalloc byte[ScalarSize];
        try
        {
            WriteReducedScalar(k, scalar);
            return ToECPoint(P256ScalarMultiplier.MultiplyGenerator(scalar));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>Returns k·P (constant time in k: fixed 4-bit windows, complete formulas). Use this for secret scalars.</summary>
    /// <exception cref="ArgumentException">The point is not on P-256.</exception>
    public static ECPoint Multiply(ECPoint point, BigInteger k)
    {
        P256ProjectivePoint p = ToProjective(point);
        Span<byte> scalar = stackalloc byte[ScalarSize];
        try
        {
            WriteReducedScalar(k, scalar);
            return ToECPoint(P256ScalarMultiplier.Multiply(p, scalar));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>
    /// Returns a·P + b·Q. VARIABLE TIME: only for public scalars and points (e.g. proof verification).
    /// </summary>
    /// <exception cref="ArgumentException">A point is not on P-256.</exception>
    public static ECPoint SumOfTwoMultiplies(ECPoint p, BigInteger a, ECPoint q, BigInteger b) =>
        SumOfMultiplies([p, q], [a, b]);

    /// <summary>
    /// Returns Σ k_i·P_i. VARIABLE TIME: only for public scalars and points (verification, Feldman commitments,
    /// interpolation of public partial evaluations).
    /// </summary>
    /// <exception cref="ArgumentException">The arrays are empty or of different lengths, or a point is not on P-256.</exception>
    public static ECPoint SumOfMultiplies(ECPoint[] points, BigInteger[] scalars)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(scalars);
        if (points.Length == 0 || points.Length != scalars.Length)
        {
            throw new ArgumentException("The point and scalar arrays must be non-empty and of equal length.", nameof(scalars));
        }

        var projective = new P256ProjectivePoint[points.Length];
        byte[] encodedScalars = new byte[points.Length * ScalarSize];
        for (int i = 0; i < points.Length; i++)
        {
            projective[i] = ToProjective(points[i]);
            WriteReducedScalar(scalars[i], encodedScalars.AsSpan(i * ScalarSize, ScalarSize));
        }

        return ToECPoint(P256ScalarMultiplier.MultiplyPublic(projective, encodedScalars));
    }

    /// <summary>Encodes a point as a 33-byte compressed SEC1 point; the identity has no encoding.</summary>
    /// <exception cref="ArgumentException">The point is the identity.</exception>
    public static byte[] EncodePoint(ECPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.IsInfinity)
        {
            throw new ArgumentException("The identity element cannot be serialized.", nameof(point));
        }

        return point.Normalize().GetEncoded(true);
    }

    /// <summary>
    /// Decodes a 33-byte compressed SEC1 point. Rejects any other length, prefixes other than 0x02/0x03,
    /// x ≥ p, x values with no point on the curve and (by construction) the identity. The square root is this library's
    /// own (<see cref="P256Element.Decode"/>); the result is created from the coordinates.
    /// </summary>
    /// <exception cref="CryptographicFormatException">The encoding is not a valid non-identity point.</exception>
    public static ECPoint DecodePoint(ReadOnlySpan<byte> encoded) => P256Element.Decode(encoded).ToECPoint();

    /// <summary>Encodes a scalar in [0, n) as 32 big-endian bytes.</summary>
    public static byte[] EncodeScalar(BigInteger scalar)
    {
        byte[] result = new byte[ScalarSize];
        EncodeScalar(scalar, result);
        return result;
    }

    /// <summary>Writes a scalar in [0, n) as 32 big-endian bytes into <paramref name="destination"/>.</summary>
    public static void EncodeScalar(BigInteger scalar, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (destination.Length < ScalarSize)
        {
            throw new ArgumentException($"The destination must be at least {ScalarSize} bytes.", nameof(destination));
        }

        if (scalar.SignValue < 0 || scalar.CompareTo(Order) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scalar), "The scalar is not reduced modulo the group order.");
        }

        byte[] magnitude = scalar.ToByteArrayUnsigned();
        destination[..ScalarSize].Clear();
        magnitude.CopyTo(destination[(ScalarSize - magnitude.Length)..]);
        CryptographicOperations.ZeroMemory(magnitude);
    }

    /// <summary>Decodes a 32-byte big-endian scalar; rejects other lengths, values ≥ n and (unless allowed) zero.</summary>
    /// <exception cref="CryptographicFormatException">The encoding is not a valid scalar.</exception>
    public static BigInteger DecodeScalar(ReadOnlySpan<byte> encoded, bool allowZero = false)
    {
        if (encoded.Length != ScalarSize)
        {
            throw new CryptographicFormatException($"A P-256 scalar must be {ScalarSize} bytes, got {encoded.Length}.");
        }

        byte[] buffer = encoded.ToArray();
        var value = new BigInteger(1, buffer);
        CryptographicOperations.ZeroMemory(buffer);
        if (value.CompareTo(Order) >= 0)
        {
            throw new CryptographicFormatException("The scalar is not reduced modulo the P-256 group order.");
        }

        if (!allowZero && value.SignValue == 0)
        {
            throw new CryptographicFormatException("The scalar must not be zero.");
        }

        return value;
    }

    /// <summary>Returns a uniformly random scalar in [1, n) from the OS CSPRNG (rejection sampling).</summary>
    public static BigInteger RandomNonZeroScalar()
    {
        Span<byte> buffer = stackalloc byte[ScalarSize];
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(buffer);
                var candidate = new BigInteger(1, buffer.ToArray());
                if (candidate.SignValue != 0 && candidate.CompareTo(Order) < 0)
                {
                    return candidate;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Compares two scalars without data-dependent branches on their encodings.</summary>
    public static bool ScalarEquals(BigInteger a, BigInteger b)
    {
        Span<byte> left = stackalloc byte[ScalarSize];
        Span<byte> right = stackalloc byte[ScalarSize];
        try
        {
            EncodeScalar(a.Mod(Order), left);
            EncodeScalar(b.Mod(Order), right);
            return CryptographicOperations.FixedTimeEquals(left, right);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(left);
            CryptographicOperations.ZeroMemory(right);
        }
    }

    /// <summary>
    /// The Lagrange coefficient at zero for x-coordinate <paramref name="xi"/> over the set <paramref name="xs"/>:
    /// λ_i = Π_{j≠i} x_j / (x_j − x_i) mod n.
    /// </summary>
    /// <exception cref="ArgumentException">The set has duplicates, a zero, or does not contain <paramref name="xi"/>.</exception>
    public static BigInteger LagrangeCoefficientAtZero(IReadOnlyList<int> xs, int xi)
    {
        ArgumentNullException.ThrowIfNull(xs);
        int position = xs.ToList().IndexOf(xi);
        BigInteger[] lambdas = LagrangeCoefficientsAtZero(xs);
        return position >= 0
            ? lambdas[position]
            : throw new ArgumentException("The x-coordinate is not part of the set.", nameof(xi));
    }

    /// <summary>
    /// Every Lagrange coefficient at zero over the set <paramref name="xs"/> (λ_i = Π_{j≠i} x_j / (x_j − x_i) mod n, in the
    /// order of <paramref name="xs"/>), with one modular inversion for all of them (Montgomery's batch trick).
    /// </summary>
    /// <exception cref="ArgumentException">The set is empty or has duplicates or a non-positive x-coordinate.</exception>
    public static BigInteger[] LagrangeCoefficientsAtZero(IReadOnlyList<int> xs)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (xs.Count == 0 || xs.Any(x => x <= 0) || xs.Distinct().Count() != xs.Count)
        {
            throw new ArgumentException("The x-coordinates must be distinct and positive.", nameof(xs));
        }

        var numerators = new P256Scalar[xs.Count];
        var denominators = new P256Scalar[xs.Count];
        for (int i = 0; i < xs.Count; i++)
        {
            P256Scalar numerator = ScalarOf(1);
            P256Scalar denominator = ScalarOf(1);
            for (int j = 0; j < xs.Count; j++)
            {
                if (j != i)
                {
                    numerator = P256Scalar.Multiply(numerator, ScalarOf(xs[j]));
                    denominator = P256Scalar.Multiply(denominator, P256Scalar.Subtract(ScalarOf(xs[j]), ScalarOf(xs[i])));
                }
            }

            numerators[i] = numerator;
            denominators[i] = denominator;
        }

        // prefix[i] = d_0·…·d_{i−1}; one inversion of the full product, then each 1/d_i is peeled off from the top.
        var prefix = new P256Scalar[xs.Count];
        P256Scalar running = ScalarOf(1);
        for (int i = 0; i < xs.Count; i++)
        {
            prefix[i] = running;
            running = P256Scalar.Multiply(running, denominators[i]);
        }

        P256Scalar inverse = P256Scalar.Invert(running);
        var lambdas = new BigInteger[xs.Count];
        for (int i = xs.Count - 1; i >= 0; i--)
        {
            P256Scalar denominatorInverse = P256Scalar.Multiply(inverse, prefix[i]);
            inverse = P256Scalar.Multiply(inverse, denominators[i]);
            lambdas[i] = P256Scalar.Multiply(numerators[i], denominatorInverse).ToBigInteger();
        }

        return lambdas;
    }

    /// <summary>Converts a BouncyCastle point on P-256 into projective coordinates (the identity included).</summary>
    /// <exception cref="ArgumentException">The point is not on P-256.</exception>
    internal static P256ProjectivePoint ToProjective(ECPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.IsInfinity)
        {
            return P256ProjectivePoint.Identity;
        }

        ECPoint affine = point.Normalize();
        if (!P256FieldElement.TryFromBytes(affine.AffineXCoord.GetEncoded(), out P256FieldElement x)
            || !P256FieldElement.TryFromBytes(affine.AffineYCoord.GetEncoded(), out P256FieldElement y))
        {
            throw new ArgumentException("The point is not on P-256.", nameof(point));
        }

        P256ProjectivePoint result = P256ProjectivePoint.FromAffine(x, y);
        if (!result.IsOnCurve())
        {
            throw new ArgumentException("The point is not on P-256.", nameof(point));
        }

        return result;
    }

    /// <summary>Converts projective coordinates into a normalized BouncyCastle point (or the curve's identity).</summary>
    internal static ECPoint ToECPoint(in P256ProjectivePoint point)
    {
        if (!point.TryToAffine(out P256FieldElement x, out P256FieldElement y))
        {
            return Curve.Infinity;
        }

        byte[] buffer = new byte[32];
        x.ToBytes(buffer);
        var affineX = new BigInteger(1, buffer);
        y.ToBytes(buffer);
        var affineY = new BigInteger(1, buffer);
        return Curve.CreatePoint(affineX, affineY);
    }

    private static void WriteReducedScalar(BigInteger k, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(k);
        EncodeScalar(k.Mod(Order), destination);
    }

    private static P256Scalar ScalarOf(int value) => P256Scalar.FromBigInteger(BigInteger.ValueOf(value));

    private static ECPoint CreateGenerator() => s_parameters.G.Normalize();
}
