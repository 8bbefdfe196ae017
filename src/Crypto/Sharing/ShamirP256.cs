using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Sharing;

/// <summary>The result of a split: one share per holder (x = 1..n) and the public Feldman commitments.</summary>
public sealed record ShamirSplit(IReadOnlyList<ScalarShare> Shares, FeldmanCommitments Commitments);

/// <summary>
/// Shamir t-of-n secret sharing of a P-256 scalar with Feldman commitments.
/// <see cref="Combine(IEnumerable{ScalarShare})"/> reassembles the secret and exists for admin recovery and tests only:
/// in normal operation the root secret is used through threshold evaluation and never reassembled.
/// </summary>
public static class ShamirP256
{
    /// <summary>Splits a 32-byte big-endian scalar secret in [1, n) into <paramref name="shareCount"/> shares.</summary>
    /// <exception cref="CryptographicFormatException">The secret is not a valid non-zero scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Not 2 ≤ t ≤ n ≤ 255 (or t = n = 1).</exception>
    public static ShamirSplit Split(ReadOnlySpan<byte> secret, int threshold, int shareCount)
    {
        ValidateParameters(threshold, shareCount);
        BigInteger k = P256Curve.DecodeScalar(secret);
        return Split(k, threshold, Enumerable.Range(1, shareCount).ToArray());
    }

    /// <summary>Creates a fresh random secret and splits it (cluster bootstrap).</summary>
    public static ShamirSplit GenerateAndSplit(int threshold, int shareCount)
    {
        ValidateParameters(threshold, shareCount);
        return Split(P256Curve.RandomNonZeroScalar(), threshold, Enumerable.Range(1, shareCount).ToArray());
    }

    /// <summary>True when the share lies on the committed polynomial.</summary>
    public static bool VerifyShare(ScalarShare share, FeldmanCommitments commitments)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        return commitments.Verify(share);
    }

    /// <summary>
    /// Reconstructs f(0) by Lagrange interpolation at 0 from the given shares (all of them are used; supply at least t).
    /// Returns the 32-byte secret; the caller must zero it after use.
    /// </summary>
    /// <exception cref="ArgumentException">No shares or duplicate indices.</exception>
    public static byte[] Combine(IEnumerable<ScalarShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ScalarShare[] list = shares.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one share is required.", nameof(shares));
        }

        return P256Curve.EncodeScalar(Interpolate(list));
    }

    /// <summary>
    /// Verifies every share against the commitments, reconstructs from the first t valid ones and checks that the
    /// result matches the group public key C_0. Returns the 32-byte secret; the caller must zero it after use.
    /// </summary>
    /// <exception cref="ShareVerificationException">Fewer than t shares verify; names the rejected holders.</exception>
    public static byte[] Combine(IEnumerable<ScalarShare> shares, FeldmanCommitments commitments)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(commitments);
        var valid = new List<ScalarShare>();
        var rejected = new List<int>();
        var seen = new HashSet<int>();
        foreach (ScalarShare share in shares)
        {
            if (!seen.Add(share.Index))
            {
                throw new ArgumentException($"Duplicate share index {share.Index}.", nameof(shares));
            }

            if (commitments.Verify(share))
            {
                valid.Add(share);
            }
            else
            {
                rejected.Add(share.Index);
            }
        }

        if (valid.Count < commitments.Threshold)
        {
            throw new ShareVerificationException(
                $"Only {valid.Count} of the required {commitments.Threshold} shares verified; rejected holders: [{string.Join(", ", rejected)}].",
                rejected);
        }

        BigInteger secret = Interpolate(valid.Take(commitments.Threshold).ToArray());
        if (!P256Curve.MultiplyGenerator(secret).Equals(commitments.GroupPublicKey))
        {
            throw new ShareVerificationException("The reconstructed secret does not match the group public key.", rejected);
        }

        return P256Curve.EncodeScalar(secret);
    }

    internal static ShamirSplit Split(BigInteger secret, int threshold, IReadOnlyList<int> indices)
    {
        ScalarPolynomial polynomial = ScalarPolynomial.Random(secret, threshold);
        try
        {
            ScalarShare[] shares = indices.Select(i => new ScalarShare(i, polynomial.Evaluate(i))).ToArray();
            return new ShamirSplit(shares, new FeldmanCommitments(polynomial.Commit(0)));
        }
        finally
        {
            polynomial.Clear();
        }
    }

    internal static BigInteger Interpolate(IReadOnlyList<ScalarShare> shares)
    {
        int[] xs = shares.Select(s => s.Index).ToArray();
        if (xs.Distinct().Count() != xs.Length)
        {
            throw new ArgumentException("Share indices must be distinct.", nameof(shares));
        }

        // Σ λ_i·s_i in the constant-time scalar field: the shares are secret (λ_i are public).
        P256Scalar sum = P256Scalar.Zero;
        BigInteger[] lambdas = P256Curve.LagrangeCoefficientsAtZero(xs);
        for (int i = 0; i < shares.Count; i++)
        {
            sum = P256Scalar.Add(sum, P256Scalar.Multiply(P256Scalar.FromBigInteger(lambdas[i]), P256Scalar.FromBigInteger(shares[i].Value)));
        }

        BigInteger result = sum.ToBigInteger();
        sum.Clear();
        return result;
    }

    internal static void ValidateParameters(int threshold, int shareCount)
    {
        // 1-of-1 is the single-silo development cluster, where the one share is the secret; t = 1 with more holders
        // would hand every holder the secret and is refused.
        if (threshold < 2 && !(threshold == 1 && shareCount == 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "The threshold must be at least 2 (or 1 of exactly 1 share).");
        }

        if (shareCount < threshold || shareCount > ScalarShare.MaxIndex)
        {
            throw new ArgumentOutOfRangeException(
                nameof(shareCount), $"The number of shares must be between the threshold and {ScalarShare.MaxIndex}.");
        }
    }
}
