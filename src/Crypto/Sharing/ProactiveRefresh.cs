using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>What one dealer hands out in a proactive refresh: public commitments and one sub-share per holder.</summary>
public sealed record RefreshDealing(int DealerIndex, RefreshCommitments Commitments, IReadOnlyDictionary<int, ScalarShare> SubShares);

/// <summary>What a holder received from one dealer in a refresh.</summary>
public sealed record RefreshContribution(int DealerIndex, ScalarShare SubShare, RefreshCommitments Commitments);

/// <summary>A holder's share after a refresh together with the refreshed public commitments.</summary>
public sealed record RefreshedShare(ScalarShare Share, FeldmanCommitments Commitments);

/// <summary>
/// Proactive share refresh (Herzberg et al.): every dealer shares zero with a fresh polynomial; each holder adds the
/// sub-shares it received to its share. The secret and the group public key stay the same, old shares become useless
/// together with new ones, and the commitments for degrees ≥ 1 are updated by adding the dealers' commitments.
/// </summary>
public static class ProactiveRefresh
{
    /// <summary>Creates a dealer's zero-secret dealing for the holders <paramref name="holderIndices"/>.</summary>
    public static RefreshDealing CreateDealing(int dealerIndex, int threshold, IReadOnlyCollection<int> holderIndices)
    {
        ScalarShare.ValidateIndex(dealerIndex);
        ArgumentNullException.ThrowIfNull(holderIndices);
        ShamirP256.ValidateParameters(threshold, holderIndices.Count);
        int[] holders = ValidateHolders(holderIndices);
        ScalarPolynomial polynomial = ScalarPolynomial.Random(BigInteger.Zero, threshold);
        try
        {
            // δ(0) = 0 so C_0 would be the identity: commit from degree 1 on.
            return new RefreshDealing(
                dealerIndex,
                new RefreshCommitments(polynomial.Commit(1)),
                holders.ToDictionary(i => i, i => new ScalarShare(i, polynomial.Evaluate(i))));
        }
        finally
        {
            polynomial.Clear();
        }
    }

    /// <summary>
    /// Applies the contributions to <paramref name="share"/>: verifies every sub-share, adds them, updates the
    /// commitments and checks the new share against the new commitments.
    /// </summary>
    /// <exception cref="ShareVerificationException">A sub-share did not verify; names the dealers.</exception>
    /// <exception cref="ArgumentException">Contributions are for another holder, another threshold, or repeat a dealer.</exception>
    public static RefreshedShare Apply(ScalarShare share, FeldmanCommitments commitments, IReadOnlyList<RefreshContribution> contributions)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(commitments);
        ArgumentNullException.ThrowIfNull(contributions);
        if (!commitments.Verify(share))
        {
            throw new ShareVerificationException("The holder's current share does not match the commitments.", [share.Index]);
        }

        var rejected = new List<int>();
        var dealers = new HashSet<int>();
        foreach (RefreshContribution contribution in contributions)
        {
            if (!dealers.Add(contribution.DealerIndex))
            {
                throw new ArgumentException($"Dealer {contribution.DealerIndex} contributed twice.", nameof(contributions));
            }

            if (contribution.SubShare.Index != share.Index || contribution.Commitments.Threshold != commitments.Threshold)
            {
                throw new ArgumentException(
                    $"The contribution of dealer {contribution.DealerIndex} is for another holder or threshold.", nameof(contributions));
            }

            if (!contribution.Commitments.Verify(contribution.SubShare))
            {
                rejected.Add(contribution.DealerIndex);
            }
        }

        if (rejected.Count > 0)
        {
            throw new ShareVerificationException(
                $"Refresh sub-shares from dealer(s) [{string.Join(", ", rejected)}] failed verification.", rejected);
        }

        P256Scalar sum = P256Scalar.FromBigInteger(share.Value);
        foreach (RefreshContribution contribution in contributions)
        {
            sum = P256Scalar.Add(sum, P256Scalar.FromBigInteger(contribution.SubShare.Value));
        }

        var refreshed = new ScalarShare(share.Index, sum.ToBigInteger());
        sum.Clear();
        FeldmanCommitments newCommitments = ApplyToCommitments(commitments, contributions.Select(c => c.Commitments));
        if (!newCommitments.Verify(refreshed))
        {
            throw new ShareVerificationException("The refreshed share does not match the refreshed commitments.", [share.Index]);
        }

        return new RefreshedShare(refreshed, newCommitments);
    }

    /// <summary>C'_0 = C_0 and C'_j = C_j + Σ_dealers R_{d,j} for j ≥ 1.</summary>
    public static FeldmanCommitments ApplyToCommitments(FeldmanCommitments commitments, IEnumerable<RefreshCommitments> dealt)
    {
        ArgumentNullException.ThrowIfNull(commitments);
        ArgumentNullException.ThrowIfNull(dealt);
        ECPoint[] points = commitments.Points.ToArray();
        foreach (RefreshCommitments refresh in dealt)
        {
            if (refresh.Threshold != commitments.Threshold)
            {
                throw new ArgumentException("Refresh commitments are for another threshold.", nameof(dealt));
            }

            for (int j = 1; j < points.Length; j++)
            {
                points[j] = points[j].Add(refresh.Points[j - 1]).Normalize();
            }
        }

        return new FeldmanCommitments(points);
    }

    internal static int[] ValidateHolders(IReadOnlyCollection<int> holderIndices)
    {
        int[] holders = holderIndices.ToArray();
        foreach (int index in holders)
        {
            ScalarShare.ValidateIndex(index);
        }

        if (holders.Distinct().Count() != holders.Length)
        {
            throw new ArgumentException("Holder indices must be distinct.", nameof(holderIndices));
        }

        return holders;
    }
}
