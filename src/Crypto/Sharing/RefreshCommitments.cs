using Kms.Crypto.P256;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>
/// Feldman commitments R_1..R_{t-1} to a zero-secret refresh polynomial δ(x) (δ(0) = 0, so R_0 is the identity and
/// is not carried). A sub-share (i, δ(i)) is valid when δ(i)·G = Σ_{j≥1} R_j·i^j.
/// Encoding: u16 big-endian count (= t − 1) ‖ count × 33-byte compressed points.
/// </summary>
public sealed record RefreshCommitments
{
    private readonly ECPoint[] _points;
    private readonly byte[] _encoded;

    /// <summary>Creates refresh commitments from R_1..R_{t-1}.</summary>
    public RefreshCommitments(IEnumerable<ECPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        _points = points.Select(p => p.Normalize()).ToArray();
        if (_points.Length < 1 || _points.Length > FeldmanCommitments.MaxThreshold - 1)
        {
            throw new ArgumentException("Refresh commitments must hold between 1 and 254 points.", nameof(points));
        }

        if (_points.Any(p => p.IsInfinity))
        {
            throw new ArgumentException("A commitment must not be the identity.", nameof(points));
        }

        _encoded = PointVectorCodec.Encode(_points);
    }

    /// <summary>The threshold t of the sharing being refreshed.</summary>
    public int Threshold => _points.Length + 1;

    /// <summary>R_1..R_{t-1}.</summary>
    public IReadOnlyList<ECPoint> Points => _points;

    /// <summary>Decodes refresh commitments.</summary>
    /// <exception cref="CryptographicFormatException">The encoding is malformed.</exception>
    public static RefreshCommitments Decode(ReadOnlySpan<byte> encoded) =>
        new(PointVectorCodec.Decode(encoded, 1, FeldmanCommitments.MaxThreshold - 1, "Refresh commitments"));

    /// <summary>Returns the encoding.</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    /// <summary>True when the sub-share lies on the committed zero-secret polynomial.</summary>
    public bool Verify(ScalarShare subShare)
    {
        ArgumentNullException.ThrowIfNull(subShare);
        ECPoint expected = FeldmanCommitments.EvaluateInExponent(_points, subShare.Index, 1);
        return P256Curve.MultiplyGenerator(subShare.Value).Equals(expected);
    }

    /// <summary>Compares the encodings (commitments are public).</summary>
    public bool Equals(RefreshCommitments? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_points.Length, _encoded[^1]);
}
