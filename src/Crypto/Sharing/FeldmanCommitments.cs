using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>
/// Feldman commitments C_j = a_j·G to the coefficients of a sharing polynomial f(x) = Σ a_j x^j.
/// C_0 = k·G is the group public key; a share (i, s_i) is valid when s_i·G = Σ C_j·i^j.
/// Encoding: u16 big-endian count (= threshold t) ‖ t × 33-byte compressed points; the identity is rejected.
/// </summary>
public sealed record FeldmanCommitments
{
    /// <summary>The largest threshold supported.</summary>
    public const int MaxThreshold = ScalarShare.MaxIndex;

    private readonly ECPoint[] _points;
    private readonly byte[] _encoded;

    // Public shares are recomputed for every proof check otherwise; they depend only on public data. They are kept in
    // the multipliers' own form with their encodings (a null element stands for the identity).
    private readonly PublicShareEntry?[] _publicShares = new PublicShareEntry?[ScalarShare.MaxIndex + 1];
    private P256ProjectivePoint[]? _projectivePoints;

    /// <summary>Creates commitments from the points C_0..C_{t-1}.</summary>
    /// <exception cref="ArgumentException">There are no points, too many, or one is the identity.</exception>
    public FeldmanCommitments(IEnumerable<ECPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        _points = points.Select(p => p.Normalize()).ToArray();
        if (_points.Length < 1 || _points.Length > MaxThreshold)
        {
            throw new ArgumentException($"Commitments must hold between 1 and {MaxThreshold} points.", nameof(points));
        }

        if (_points.Any(p => p.IsInfinity))
        {
            throw new ArgumentException("A commitment must not be the identity.", nameof(points));
        }

        _encoded = PointVectorCodec.Encode(_points);
    }

    /// <summary>The threshold t (number of coefficients).</summary>
    public int Threshold => _points.Length;

    /// <summary>C_0 = k·G.</summary>
    public ECPoint GroupPublicKey => _points[0];

    /// <summary>C_0..C_{t-1}.</summary>
    public IReadOnlyList<ECPoint> Points => _points;

    /// <summary>Decodes commitments, rejecting a bad count or length, off-curve points and the identity.</summary>
    /// <exception cref="CryptographicFormatException">The encoding is malformed.</exception>
    public static FeldmanCommitments Decode(ReadOnlySpan<byte> encoded) =>
        new(PointVectorCodec.Decode(encoded, 1, MaxThreshold, "Feldman commitments"));

    /// <summary>Returns the encoding.</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>The public share s_i·G = Σ C_j·i^j of holder <paramref name="index"/>.</summary>
    public ECPoint PublicShare(int index) => PublicShareElement(index)?.ToECPoint() ?? P256Curve.Identity;

    /// <summary>True when <paramref name="share"/> lies on the committed polynomial.</summary>
    public bool Verify(ScalarShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return share.PublicShare.Equals(PublicShare(share.Index));
    }

    /// <summary>Compares the encodings (commitments are public).</summary>
    public bool Equals(FeldmanCommitments? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_points.Length, _encoded[^1], _encoded[^2]);

    /// <summary>
    /// The public share of holder <paramref name="index"/> as an element (cached), or null when it is the identity
    /// (a zero share, which cannot make a valid partial evaluation).
    /// </summary>
    internal P256Element? PublicShareElement(int index)
    {
        ScalarShare.ValidateIndex(index);
        PublicShareEntry? cached = Volatile.Read(ref _publicShares[index]);
        if (cached is null)
        {
            P256ProjectivePoint[] points = Volatile.Read(ref _projectivePoints) ?? CreateProjectivePoints();
            P256ProjectivePoint share = P256ScalarMultiplier.MultiplyPublic(points, EncodedPowers(index, 0, points.Length));
            cached = new PublicShareEntry(P256Element.FromProjective(share));
            Volatile.Write(ref _publicShares[index], cached);
        }

        return cached.Element;
    }

    /// <summary>Σ_j points[j]·x^(j + firstDegree).</summary>
    internal static ECPoint EvaluateInExponent(IReadOnlyList<ECPoint> points, int x, int firstDegree)
    {
        P256ProjectivePoint[] projective = points.Select(P256Curve.ToProjective).ToArray();
        return P256Curve.ToECPoint(P256ScalarMultiplier.MultiplyPublic(projective, EncodedPowers(x, firstDegree, points.Count)));
    }

    /// <summary>x^firstDegree, …, x^(firstDegree + count − 1) mod n as consecutive 32-byte big-endian scalars.</summary>
    private static byte[] EncodedPowers(int x, int firstDegree, int count)
    {
        byte[] scalars = new byte[count * P256Curve.ScalarSize];
        BigInteger bx = BigInteger.ValueOf(x);
        BigInteger power = bx.ModPow(BigInteger.ValueOf(firstDegree), P256Curve.Order);
        for (int j = 0; j < count; j++)
        {
            P256Curve.EncodeScalar(power, scalars.AsSpan(j * P256Curve.ScalarSize, P256Curve.ScalarSize));
            power = power.Multiply(bx).Mod(P256Curve.Order);
        }

        return scalars;
    }

    private P256ProjectivePoint[] CreateProjectivePoints()
    {
        P256ProjectivePoint[] points = _points.Select(P256Curve.ToProjective).ToArray();
        Volatile.Write(ref _projectivePoints, points);
        return points;
    }

    private sealed record PublicShareEntry(P256Element? Element);
}
