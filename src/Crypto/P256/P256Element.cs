using Org.BouncyCastle.Math;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using F = Kms.Crypto.P256.P256FieldElement;

namespace Kms.Crypto.P256;

/// <summary>
/// A public, validated, non-identity P-256 element kept both as affine coordinates (a projective point with Z = 1, the
/// form the multipliers take) and as its 33-byte compressed SEC1 encoding (the form protocol transcripts hash), so
/// protocol code multiplies and hashes it without converting to and from BouncyCastle points. The BouncyCastle point is
/// created only when asked for, from the coordinates (never through BouncyCastle's point decompression).
/// </summary>
internal sealed class P256Element : IEquatable<P256Element>
{
    private readonly byte[] _encoded;
    private readonly P256ProjectivePoint _point;
    private ECPoint? _ecPoint;

    private P256Element(in P256ProjectivePoint affinePoint, byte[] encoded, ECPoint? ecPoint)
    {
        _point = affinePoint;
        _encoded = encoded;
        _ecPoint = ecPoint;
    }

    /// <summary>The element as (x : y : 1).</summary>
    internal ref readonly P256ProjectivePoint Point => ref _point;

    /// <summary>The compressed SEC1 encoding (RFC 9497 SerializeElement).</summary>
    internal ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>Creates the element from affine coordinates that are known to be on the curve.</summary>
    internal static P256Element FromAffine(in F x, in F y)
    {
        byte[] encoded = new byte[P256Curve.CompressedPointSize];
        Span<byte> yBytes = stackalloc byte[32];
        x.ToBytes(encoded.AsSpan(1));
        y.ToBytes(yBytes);
        encoded[0] = (byte)(0x02 | (yBytes[31] & 1));
        return new P256Element(P256ProjectivePoint.FromAffine(x, y), encoded, null);
    }

    /// <summary>Converts one projective point to an element; null for the identity.</summary>
    internal static P256Element? FromProjective(in P256ProjectivePoint point)
    {
        Span<P256Element?> result = new P256Element?[1];
        FromProjective([point], result);
        return result[0];
    }

    /// <summary>
    /// Converts projective points to elements with one field inversion for all of them (Montgomery's batch trick).
    /// An identity input gives a null entry (it has no affine form and no encoding).
    /// </summary>
    internal static void FromProjective(ReadOnlySpan<P256ProjectivePoint> points, Span<P256Element?> results)
    {
        if (results.Length != points.Length)
        {
            throw new ArgumentException("One result per point is needed.", nameof(results));
        }

        Span<F> prefix = points.Length <= 16 ? stackalloc F[points.Length] : new F[points.Length];
        F running = F.One;
        for (int i = 0; i < points.Length; i++)
        {
            prefix[i] = running;
            // An identity (Z = 0) is multiplied in as 1 so that it does not zero the product of the others.
            running = F.Multiply(running, F.Select(points[i].Z, F.One, points[i].IsIdentityMask()));
        }

        F inverse = F.Invert(running);
        for (int i = points.Length - 1; i >= 0; i--)
        {
            F z = F.Select(points[i].Z, F.One, points[i].IsIdentityMask());
            F zInverse = F.Multiply(inverse, prefix[i]);
            inverse = F.Multiply(inverse, z);
            results[i] = points[i].IsIdentityMask() != 0
                ? null
                : FromAffine(F.Multiply(points[i].X, zInverse), F.Multiply(points[i].Y, zInverse));
        }
    }

    /// <summary>Converts a BouncyCastle point; the identity and points off P-256 are rejected.</summary>
    /// <exception cref="ArgumentException">The point is the identity or not on P-256.</exception>
    internal static P256Element FromECPoint(ECPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.IsInfinity)
        {
            throw new ArgumentException("The identity element is not allowed here.", nameof(point));
        }

        ECPoint affine = point.Normalize();
        byte[] xBytes = affine.AffineXCoord.GetEncoded();
        byte[] yBytes = affine.AffineYCoord.GetEncoded();
        if (xBytes.Length != 32 || yBytes.Length != 32
            || !F.TryFromBytes(xBytes, out F x) || !F.TryFromBytes(yBytes, out F y) || !IsOnCurve(x, y))
        {
            throw new ArgumentException("The point is not on P-256.", nameof(point));
        }

        byte[] encoded = new byte[P256Curve.CompressedPointSize];
        encoded[0] = (byte)(0x02 | (yBytes[31] & 1));
        xBytes.CopyTo(encoded, 1);
        return new P256Element(P256ProjectivePoint.FromAffine(x, y), encoded, affine);
    }

    /// <summary>
    /// Decodes a 33-byte compressed SEC1 point with this library's own square root (p ≡ 3 mod 4, so
    /// y = (x³ − 3x + b)^((p+1)/4)). Rejects any other length, prefixes other than 0x02/0x03, x ≥ p and x values with no
    /// point on the curve; the identity has no compressed encoding and so is rejected too.
    /// </summary>
    /// <exception cref="CryptographicFormatException">The encoding is not a valid non-identity point.</exception>
    internal static P256Element Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != P256Curve.CompressedPointSize)
        {
            throw new CryptographicFormatException(
                $"A P-256 point must be {P256Curve.CompressedPointSize} bytes (compressed SEC1), got {encoded.Length}.");
        }

        if (encoded[0] != 0x02 && encoded[0] != 0x03)
        {
            throw new CryptographicFormatException("A compressed P-256 point must start with 0x02 or 0x03.");
        }

        if (!F.TryFromBytes(encoded[1..], out F x))
        {
            throw new CryptographicFormatException("The point's x coordinate is not reduced modulo p.");
        }

        F rhs = CurveRightHandSide(x);
        F y = P256FieldPowers.SquareRootCandidate(rhs);
        if (F.EqualMask(F.Square(y), rhs) == 0)
        {
            throw new CryptographicFormatException("The point is not on the P-256 curve.");
        }

        // y ≠ 0 on P-256 (no point of order 2), so −y has the other parity.
        Span<byte> yBytes = stackalloc byte[32];
        y.ToBytes(yBytes);
        ulong flip = 0 - (ulong)((yBytes[31] ^ encoded[0]) & 1);
        y = F.Select(y, F.Negate(y), flip);
        return new P256Element(P256ProjectivePoint.FromAffine(x, y), encoded.ToArray(), null);
    }

    /// <summary>The BouncyCastle point (normalized), created from the coordinates on first use.</summary>
    internal ECPoint ToECPoint()
    {
        ECPoint? cached = Volatile.Read(ref _ecPoint);
        if (cached is null)
        {
            Span<byte> yBytes = stackalloc byte[32];
            _point.Y.ToBytes(yBytes);
            cached = P256Curve.Curve.CreatePoint(new BigInteger(1, _encoded, 1, 32), new BigInteger(1, yBytes.ToArray()));
            Volatile.Write(ref _ecPoint, cached);
        }

        return cached;
    }

    /// <summary>A copy of the encoding.</summary>
    internal byte[] GetEncoded() => (byte[])_encoded.Clone();

    /// <summary>Equal elements have equal encodings.</summary>
    public bool Equals(P256Element? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as P256Element);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_encoded[0], BitConverter.ToInt32(_encoded, 1), BitConverter.ToInt32(_encoded, 29));

    /// <inheritdoc/>
    public override string ToString() => Convert.ToHexStringLower(_encoded);

    /// <summary>True when y² = x³ − 3x + b.</summary>
    private static bool IsOnCurve(in F x, in F y) => F.EqualMask(F.Square(y), CurveRightHandSide(x)) != 0;

    private static F CurveRightHandSide(in F x)
    {
        F x3 = F.Multiply(F.Square(x), x);
        F threeX = F.Add(F.Add(x, x), x);
        return F.Add(F.Subtract(x3, threeX), P256ProjectivePoint.B);
    }
}
