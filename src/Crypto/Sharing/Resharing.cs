using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>
/// What one old holder deals when the secret moves to a new committee: commitments to a polynomial g_i with
/// g_i(0) = s_i (so the first commitment equals the dealer's public share) and one sub-share per new holder.
/// </summary>
public sealed record ReshareDealing(int DealerIndex, FeldmanCommitments Commitments, IReadOnlyDictionary<int, ScalarShare> SubShares);

/// <summary>What a new holder received from one old holder.</summary>
public sealed record ReshareContribution(int DealerIndex, ScalarShare SubShare, FeldmanCommitments DealerCommitments);

/// <summary>A new holder's share and the new committee's public commitments.</summary>
public sealed record ReshareResult(ScalarShare Share, FeldmanCommitments Commitments);

/// <summary>
/// Resharing to a new committee (t', n') without reassembling the secret (Desmedt–Jajodia / Wong–Wang–Wing style with
/// Feldman verification). A set D of at least t old holders each deals sub-shares of its share; new holder j computes
/// s'_j = Σ_{i∈D} λ_i·g_i(j). The new commitments are C'_m = Σ λ_i·D_{i,m}, and C'_0 must equal the old group public key.
/// New holders verify everything before the old holders erase their shares.
/// </summary>
public static class Resharing
{
    /// <summary>Deals the share of an old holder to the new holders.</summary>
    /// <exception cref="ShareVerificationException">The dealer's own share does not match the old commitments.</exception>
    public static ReshareDealing Deal(ScalarShare oldShare, FeldmanCommitments oldCommitments, int newThreshold, IReadOnlyCollection<int> newHolderIndices)
    {
        ArgumentNullException.ThrowIfNull(oldShare);
        ArgumentNullException.ThrowIfNull(oldCommitments);
        ArgumentNullException.ThrowIfNull(newHolderIndices);
        ShamirP256.ValidateParameters(newThreshold, newHolderIndices.Count);
        if (!oldCommitments.Verify(oldShare))
        {
            throw new ShareVerificationException("The dealer's share does not match the current commitments.", [oldShare.Index]);
        }

        if (oldShare.Value.SignValue == 0)
        {
            // A zero share would make the first commitment the identity; it happens with negligible probability.
            throw new ShareVerificationException("The dealer's share is zero and cannot be dealt.", [oldShare.Index]);
        }

        ShamirSplit split = ShamirP256.Split(oldShare.Value, newThreshold, ProactiveRefresh.ValidateHolders(newHolderIndices));
        return new ReshareDealing(oldShare.Index, split.Commitments, split.Shares.ToDictionary(s => s.Index));
    }

    /// <summary>Returns the dealers whose contribution to <paramref name="recipientIndex"/> does not verify.</summary>
    public static IReadOnlyList<int> FindInvalidDealers(int recipientIndex, IEnumerable<ReshareContribution> contributions, FeldmanCommitments oldCommitments)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        ArgumentNullException.ThrowIfNull(oldCommitments);
        return contributions.Where(c => !IsValid(recipientIndex, c, oldCommitments)).Select(c => c.DealerIndex).ToArray();
    }

    /// <summary>
    /// Computes the new share of <paramref name="recipientIndex"/> from the contributions of an agreed dealer set
    /// (every new holder must use the same set). Verifies every sub-share, the new commitments and the unchanged group key.
    /// </summary>
    /// <exception cref="ShareVerificationException">A contribution did not verify (names the dealers), or the group key changed.</exception>
    /// <exception cref="ArgumentException">Fewer than t dealers, repeated dealers, or inconsistent new thresholds.</exception>
    public static ReshareResult CombineNewShare(int recipientIndex, IReadOnlyList<ReshareContribution> contributions, FeldmanCommitments oldCommitments)
    {
        ScalarShare.ValidateIndex(recipientIndex);
        ArgumentNullException.ThrowIfNull(contributions);
        ArgumentNullException.ThrowIfNull(oldCommitments);
        int[] dealers = contributions.Select(c => c.DealerIndex).ToArray();
        if (dealers.Distinct().Count() != dealers.Length)
        {
            throw new ArgumentException("Each dealer may contribute once.", nameof(contributions));
        }

        if (dealers.Length < oldCommitments.Threshold)
        {
            throw new ArgumentException(
                $"Resharing needs at least {oldCommitments.Threshold} dealers, got {dealers.Length}.", nameof(contributions));
        }

        IReadOnlyList<int> invalid = FindInvalidDealers(recipientIndex, contributions, oldCommitments);
        if (invalid.Count > 0)
        {
            throw new ShareVerificationException(
                $"Reshare sub-shares from dealer(s) [{string.Join(", ", invalid)}] failed verification.", invalid);
        }

        FeldmanCommitments newCommitments = ComputeNewCommitments(
            contributions.Select(c => (c.DealerIndex, c.DealerCommitments)).ToArray(), oldCommitments);
        P256Scalar sum = P256Scalar.Zero;
        BigInteger[] lambdas = P256Curve.LagrangeCoefficientsAtZero(dealers);
        foreach (ReshareContribution contribution in contributions)
        {
            BigInteger lambda = lambdas[Array.IndexOf(dealers, contribution.DealerIndex)];
            sum = P256Scalar.Add(
                sum, P256Scalar.Multiply(P256Scalar.FromBigInteger(lambda), P256Scalar.FromBigInteger(contribution.SubShare.Value)));
        }

        var share = new ScalarShare(recipientIndex, sum.ToBigInteger());
        sum.Clear();
        if (!newCommitments.Verify(share))
        {
            throw new ShareVerificationException("The new share does not match the new commitments.", [recipientIndex]);
        }

        return new ReshareResult(share, newCommitments);
    }

    /// <summary>
    /// The new committee's commitments C'_m = Σ_{i∈D} λ_i·D_{i,m}; checks each dealer's D_{i,0} against its old public
    /// share and that C'_0 equals the old group public key.
    /// </summary>
    /// <exception cref="ShareVerificationException">A dealer committed to a value other than its share, or the key changed.</exception>
    public static FeldmanCommitments ComputeNewCommitments(IReadOnlyList<(int DealerIndex, FeldmanCommitments Commitments)> dealings, FeldmanCommitments oldCommitments)
    {
        ArgumentNullException.ThrowIfNull(dealings);
        ArgumentNullException.ThrowIfNull(oldCommitments);
        if (dealings.Count == 0)
        {
            throw new ArgumentException("At least one dealing is required.", nameof(dealings));
        }

        int newThreshold = dealings[0].Commitments.Threshold;
        if (dealings.Any(d => d.Commitments.Threshold != newThreshold))
        {
            throw new ArgumentException("All dealers must use the same new threshold.", nameof(dealings));
        }

        int[] badKeys = dealings
            .Where(d => !d.Commitments.GroupPublicKey.Equals(oldCommitments.PublicShare(d.DealerIndex)))
            .Select(d => d.DealerIndex)
            .ToArray();
        if (badKeys.Length > 0)
        {
            throw new ShareVerificationException(
                $"Dealer(s) [{string.Join(", ", badKeys)}] did not deal their own share.", badKeys);
        }

        int[] dealers = dealings.Select(d => d.DealerIndex).ToArray();
        BigInteger[] lambdas = P256Curve.LagrangeCoefficientsAtZero(dealers);
        var points = new ECPoint[newThreshold];
        for (int m = 0; m < newThreshold; m++)
        {
            points[m] = P256Curve.SumOfMultiplies(dealings.Select(d => d.Commitments.Points[m]).ToArray(), lambdas);
        }

        if (!points[0].Equals(oldCommitments.GroupPublicKey))
        {
            throw new ShareVerificationException("Resharing would change the group public key.", []);
        }

        return new FeldmanCommitments(points);
    }

    private static bool IsValid(int recipientIndex, ReshareContribution contribution, FeldmanCommitments oldCommitments) =>
        contribution.SubShare.Index == recipientIndex
        && contribution.DealerCommitments.GroupPublicKey.Equals(oldCommitments.PublicShare(contribution.DealerIndex))
        && contribution.DealerCommitments.Verify(contribution.SubShare);
}
