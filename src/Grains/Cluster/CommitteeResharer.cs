using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using Kms.Grains.KeyShares;
using ReshareDealing = Kms.Grains.KeyShares.ReshareDealing;

namespace Kms.Grains.Cluster;

/// <summary>
/// Moves the root key's shares to a new epoch without reassembling it: at least t holders of the old epoch each deal
/// sub-shares of their share (sealed to the recipients, so this grain relays what it cannot read), every new holder
/// combines and checks its share, and only when all of them hold a share that matches the new commitments does the new
/// epoch take effect.
/// </summary>
internal sealed class CommitteeResharer(IGrainFactory grains, TimeSpan callTimeout)
{
    /// <exception cref="KmsException">Fewer than t old holders dealt, or a new holder could not be reached or refused
    /// (<see cref="KmsErrorKind.Unavailable"/>, naming each): the old epoch stays in force.</exception>
    public async Task<(List<CommitteeMember> Members, FeldmanCommitments Commitments)> ReshareAsync(
        IReadOnlyList<CommitteeMember> oldMembers, long oldEpoch, byte[] oldCommitments,
        IReadOnlyList<string> newSilos, int newThreshold, long newEpoch, CancellationToken cancellationToken)
    {
        FeldmanCommitments old = FeldmanCommitments.Decode(oldCommitments);
        var newMembers = newSilos.Select((silo, i) => new CommitteeMember(silo, i + 1)).ToList();

        Task<byte[]>[] transportKeys = newMembers
            .Select(m => Holder(m.SiloName, newEpoch).GetTransportKeyAsync(cancellationToken).WaitAsync(callTimeout, cancellationToken))
            .ToArray();
        await CommitteeDealer.WhenAllSettled(transportKeys);
        Fail("a new holder cannot be reached", CommitteeDealer.FailuresOf(newMembers, transportKeys));

        var recipients = newMembers.Select((m, i) => new ShareRecipient(m.SiloName, m.ShareIndex, transportKeys[i].Result)).ToList();
        var order = new ReshareOrder(newEpoch, newThreshold, recipients, oldCommitments);
        Task<ReshareDealing>[] dealings = oldMembers
            .Select(m => Holder(m.SiloName, oldEpoch).DealReshareAsync(order, cancellationToken).WaitAsync(callTimeout, cancellationToken))
            .ToArray();
        await CommitteeDealer.WhenAllSettled(dealings);

        // Every new holder must combine the same dealer set: the first t that answered, by index.
        List<ReshareDealing> dealers = dealings.Where(d => d.IsCompletedSuccessfully).Select(d => d.Result)
            .OrderBy(d => d.DealerIndex).Take(old.Threshold).ToList();
        if (dealers.Count < old.Threshold)
        {
            throw new KmsException(
                KmsErrorKind.Unavailable,
                $"The shares stay in the current epoch: only {dealers.Count} of the {old.Threshold} holders needed could deal " +
                $"({string.Join("; ", CommitteeDealer.FailuresOf(oldMembers, dealings))}).");
        }

        FeldmanCommitments newCommitments;
        try
        {
            newCommitments = Resharing.ComputeNewCommitments(
                dealers.Select(d => (d.DealerIndex, FeldmanCommitments.Decode(d.DealerCommitments))).ToList(), old);
        }
        catch (ShareVerificationException exception)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"A holder dealt a polynomial that does not match its share: {exception.Message}");
        }

        Task<KeyShareInfo>[] accepted = newMembers.Select(member =>
        {
            var subShares = dealers.Select(d => new ReshareSubShare(
                d.DealerIndex, d.DealerCommitments, d.SubShares.Single(s => s.ShareIndex == member.ShareIndex))).ToList();
            return Holder(member.SiloName, newEpoch)
                .AcceptReshareAsync(new ReshareDelivery(newThreshold, oldCommitments, subShares), cancellationToken)
                .WaitAsync(callTimeout, cancellationToken);
        }).ToArray();
        await CommitteeDealer.WhenAllSettled(accepted);
        string[] failures = CommitteeDealer.FailuresOf(newMembers, accepted)
            .Concat(newMembers.Where((m, i) => accepted[i].IsCompletedSuccessfully && !accepted[i].Result.PublicShare.AsSpan()
                .SequenceEqual(P256Curve.EncodePoint(newCommitments.PublicShare(m.ShareIndex))))
                .Select(m => $"{m.SiloName}: its new share does not match the new commitments"))
            .ToArray();
        if (failures.Length != 0)
        {
            await new CommitteeDealer(grains, callTimeout).WipeAsync(newMembers.Select(m => KeyShareGrainKey.Create(m.SiloName, newEpoch)), cancellationToken);
            Fail("a new holder did not take its share", failures);
        }

        return (newMembers, newCommitments);
    }

    private IKeyShareGrain Holder(string silo, long epoch) => grains.GetGrain<IKeyShareGrain>(KeyShareGrainKey.Create(silo, epoch));

    private static void Fail(string what, string[] failures)
    {
        if (failures.Length != 0)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"The shares stay in the current epoch: {what} ({string.Join("; ", failures)}).");
        }
    }
}
