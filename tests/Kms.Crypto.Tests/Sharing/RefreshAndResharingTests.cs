using Kms.Crypto.P256;
using Kms.Crypto.Sharing;

namespace Kms.Crypto.Tests.Sharing;

public class RefreshAndResharingTests
{
    private static readonly byte[] s_secret = Convert.FromHexString("519b423d715f8b581f4fa8ee59f4771a5b44c8130b4e3eacca54a56dda72b464");

    [Fact]
    public void RefreshKeepsTheSecretAndChangesTheShares()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        int[] holders = [1, 2, 3, 4, 5];
        RefreshDealing[] dealings = holders.Select(d => ProactiveRefresh.CreateDealing(d, 3, holders)).ToArray();

        RefreshedShare[] refreshed = split.Shares
            .Select(share => ProactiveRefresh.Apply(
                share,
                split.Commitments,
                dealings.Select(d => new RefreshContribution(d.DealerIndex, d.SubShares[share.Index], d.Commitments)).ToArray()))
            .ToArray();

        FeldmanCommitments newCommitments = refreshed[0].Commitments;
        Assert.All(refreshed, r => Assert.Equal(newCommitments, r.Commitments));
        Assert.Equal(split.Commitments.GroupPublicKey, newCommitments.GroupPublicKey);
        Assert.NotEqual(split.Commitments, newCommitments);
        for (int i = 0; i < 5; i++)
        {
            Assert.NotEqual(split.Shares[i], refreshed[i].Share);
            Assert.True(newCommitments.Verify(refreshed[i].Share));
            Assert.False(split.Commitments.Verify(refreshed[i].Share));
        }

        foreach (int[] subset in ShamirP256Tests.Subsets(5, 3))
        {
            Assert.Equal(s_secret, ShamirP256.Combine(subset.Select(i => refreshed[i].Share), newCommitments));
        }

        // Old and new shares do not mix.
        Assert.NotEqual(s_secret, ShamirP256.Combine([split.Shares[0], split.Shares[1], refreshed[2].Share]));
    }

    [Fact]
    public void TamperedRefreshSubShareNamesTheDealer()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        int[] holders = [1, 2, 3];
        RefreshDealing[] dealings = holders.Select(d => ProactiveRefresh.CreateDealing(d, 2, holders)).ToArray();
        ScalarShare target = split.Shares[0];
        RefreshContribution[] contributions = dealings
            .Select(d => new RefreshContribution(d.DealerIndex, d.SubShares[target.Index], d.Commitments))
            .ToArray();
        contributions[1] = contributions[1] with { SubShare = Tamper(contributions[1].SubShare) };

        var ex = Assert.Throws<ShareVerificationException>(() => ProactiveRefresh.Apply(target, split.Commitments, contributions));
        Assert.Equal([2], ex.RejectedIndices);
    }

    [Fact]
    public void ResharingToALargerCommitteeKeepsTheSecretAndGroupKey()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        int[] newHolders = [1, 2, 3, 4, 5, 6, 7];
        // Old holders 2, 4 and 5 take part; any t of the old committee suffice.
        ReshareDealing[] dealings = new[] { 1, 3, 4 }
            .Select(i => Resharing.Deal(split.Shares[i], split.Commitments, 4, newHolders))
            .ToArray();

        ReshareResult[] results = newHolders
            .Select(j => Resharing.CombineNewShare(
                j,
                dealings.Select(d => new ReshareContribution(d.DealerIndex, d.SubShares[j], d.Commitments)).ToArray(),
                split.Commitments))
            .ToArray();

        FeldmanCommitments newCommitments = results[0].Commitments;
        Assert.Equal(4, newCommitments.Threshold);
        Assert.Equal(split.Commitments.GroupPublicKey, newCommitments.GroupPublicKey);
        Assert.All(results, r => Assert.Equal(newCommitments, r.Commitments));

        foreach (int[] subset in ShamirP256Tests.Subsets(7, 4))
        {
            Assert.Equal(s_secret, ShamirP256.Combine(subset.Select(i => results[i].Share), newCommitments));
        }

        // Three new shares are not enough for the new threshold of four.
        Assert.NotEqual(s_secret, ShamirP256.Combine(results.Take(3).Select(r => r.Share)));
    }

    [Fact]
    public void ResharingToASmallerCommitteeWorks()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        int[] newHolders = [1, 2, 3];
        ReshareDealing[] dealings = split.Shares.Select(s => Resharing.Deal(s, split.Commitments, 2, newHolders)).ToArray();
        ReshareResult[] results = newHolders
            .Select(j => Resharing.CombineNewShare(
                j,
                dealings.Select(d => new ReshareContribution(d.DealerIndex, d.SubShares[j], d.Commitments)).ToArray(),
                split.Commitments))
            .ToArray();
        foreach (int[] subset in ShamirP256Tests.Subsets(3, 2))
        {
            Assert.Equal(s_secret, ShamirP256.Combine(subset.Select(i => results[i].Share), results[0].Commitments));
        }
    }

    [Fact]
    public void TamperedReshareSubShareNamesTheDealer()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        int[] newHolders = [1, 2, 3];
        ReshareDealing[] dealings = split.Shares.Select(s => Resharing.Deal(s, split.Commitments, 2, newHolders)).ToArray();
        ReshareContribution[] contributions = dealings
            .Select(d => new ReshareContribution(d.DealerIndex, d.SubShares[2], d.Commitments))
            .ToArray();
        contributions[2] = contributions[2] with { SubShare = Tamper(contributions[2].SubShare) };

        Assert.Equal([3], Resharing.FindInvalidDealers(2, contributions, split.Commitments));
        var ex = Assert.Throws<ShareVerificationException>(() => Resharing.CombineNewShare(2, contributions, split.Commitments));
        Assert.Equal([3], ex.RejectedIndices);
    }

    [Fact]
    public void DealerThatDealsAnotherSecretIsDetected()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        ShamirSplit rogue = ShamirP256.Split(s_secret, 2, 3);
        int[] newHolders = [1, 2, 3];
        ReshareDealing honest = Resharing.Deal(split.Shares[0], split.Commitments, 2, newHolders);
        // Dealer 2 deals a share that is consistent with *other* commitments: its D_0 is not its public share.
        ReshareDealing cheat = Resharing.Deal(rogue.Shares[1], rogue.Commitments, 2, newHolders);
        ReshareContribution[] contributions =
        [
            new(honest.DealerIndex, honest.SubShares[1], honest.Commitments),
            new(cheat.DealerIndex, cheat.SubShares[1], cheat.Commitments),
        ];
        var ex = Assert.Throws<ShareVerificationException>(() => Resharing.CombineNewShare(1, contributions, split.Commitments));
        Assert.Equal([2], ex.RejectedIndices);
    }

    [Fact]
    public void ResharingNeedsAtLeastThresholdDealers()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 3, 5);
        ReshareDealing[] dealings = split.Shares.Take(2).Select(s => Resharing.Deal(s, split.Commitments, 2, [1, 2])).ToArray();
        Assert.Throws<ArgumentException>(() => Resharing.CombineNewShare(
            1,
            dealings.Select(d => new ReshareContribution(d.DealerIndex, d.SubShares[1], d.Commitments)).ToArray(),
            split.Commitments));
    }

    [Fact]
    public void DealerWithAWrongShareCannotDeal()
    {
        ShamirSplit split = ShamirP256.Split(s_secret, 2, 3);
        Assert.Throws<ShareVerificationException>(
            () => Resharing.Deal(Tamper(split.Shares[0]), split.Commitments, 2, [1, 2, 3]));
    }

    private static ScalarShare Tamper(ScalarShare share)
    {
        byte[] value = share.ExportValue();
        value[^1] ^= 0x01;
        return ScalarShare.Create(share.Index, value);
    }
}
