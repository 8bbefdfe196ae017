using System.Security.Cryptography;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using Kms.Grains.KeyShares;

namespace Kms.Grains.Cluster;

/// <summary>Deals a root scalar to the key-share grains of a new epoch (init and recovery).</summary>
internal sealed class CommitteeDealer(IGrainFactory grains, TimeSpan callTimeout)
{
    /// <summary>Splits <paramref name="secret"/> t-of-n over <paramref name="silos"/> and stores one share in each
    /// holder of <paramref name="epoch"/>; every holder must accept or the deal fails (and the holders that took a share
    /// are wiped).</summary>
    /// <returns>The committee and commitments.</returns>
    /// <exception cref="KmsException">A holder is unreachable or refused.</exception>
    public async Task<(List<CommitteeMember> Members, FeldmanCommitments Commitments)> DealAsync(
        ReadOnlyMemory<byte> secret, IReadOnlyList<string> silos, int threshold, long epoch, CancellationToken cancellationToken)
    {
        ShamirSplit split;
        try
        {
            split = ShamirP256.Split(secret.Span, threshold, silos.Count);
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, exception.Message);
        }
        catch (CryptographicException)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The root key is not a valid P-256 scalar.");
        }

        var members = silos.Select((silo, i) => new CommitteeMember(silo, i + 1)).ToList();
        byte[] commitments = split.Commitments.Encode();
        Task<KeyShareInfo>[] deals = members.Select(member => DealOneAsync(
            member, epoch, threshold, commitments, split.Shares[member.ShareIndex - 1], cancellationToken)).ToArray();
        await WhenAllSettled(deals);
        string[] failures = FailuresOf(members, deals);
        if (failures.Length != 0)
        {
            await WipeAsync(members.Select(m => KeyShareGrainKey.Create(m.SiloName, epoch)), cancellationToken);
            throw new KmsException(KmsErrorKind.Unavailable, "The root key could not be dealt: " + string.Join("; ", failures));
        }

        return (members, split.Commitments);
    }

    /// <summary>Wipes the given key-share grains, best effort; returns the keys whose wipe failed.</summary>
    public async Task<List<string>> WipeAsync(IEnumerable<string> grainKeys, CancellationToken cancellationToken)
    {
        string[] keys = grainKeys.ToArray();
        Task[] wipes = keys.Select(key => grains.GetGrain<IKeyShareGrain>(key).WipeAsync(cancellationToken).WaitAsync(callTimeout, cancellationToken)).ToArray();
        await WhenAllSettled(wipes);
        return keys.Where((_, i) => !wipes[i].IsCompletedSuccessfully).ToList();
    }

    internal static async Task WhenAllSettled(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // Every task's outcome is read by the caller.
        }
    }

    internal static string[] FailuresOf<T>(IReadOnlyList<CommitteeMember> members, IReadOnlyList<Task<T>> tasks) =>
        members.Select((member, i) => tasks[i].IsCompletedSuccessfully ? null : $"{member.SiloName}: {Reason(tasks[i].Exception)}")
            .OfType<string>()
            .ToArray();

    internal static string Reason(Exception? exception) => exception?.GetBaseException() switch
    {
        KmsException kms => kms.Message,
        TimeoutException => "did not answer in time",
        Kms.Grains.Placement.OwnerSiloUnavailableException => "its silo is not in the cluster",
        null => "unknown failure",
        var other => other.GetType().Name,
    };

    private async Task<KeyShareInfo> DealOneAsync(
        CommitteeMember member, long epoch, int threshold, byte[] commitments, ScalarShare share, CancellationToken cancellationToken)
    {
        string key = KeyShareGrainKey.Create(member.SiloName, epoch);
        IKeyShareGrain holder = grains.GetGrain<IKeyShareGrain>(key);
        byte[] transportKey = await holder.GetTransportKeyAsync(cancellationToken).WaitAsync(callTimeout, cancellationToken);
        SealedShare sealedShare = ShareTransport.Seal(share, key, transportKey);
        KeyShareInfo info = await holder.AcceptDealAsync(new ShareDeal(threshold, commitments, sealedShare), cancellationToken)
            .WaitAsync(callTimeout, cancellationToken);
        if (!info.PublicShare.AsSpan().SequenceEqual(P256Curve.EncodePoint(FeldmanCommitments.Decode(commitments).PublicShare(member.ShareIndex))))
        {
            throw new KmsException(KmsErrorKind.Unavailable, "it reported another public share than it was dealt");
        }

        return info;
    }
}
