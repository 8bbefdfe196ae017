using System.Security.Cryptography;
using Kms.Crypto.Oprf;
using Kms.Crypto.Sharing;
using Kms.Grains.Cluster;
using Kms.Grains.KeyShares;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Grains.Namespaces;

/// <summary>
/// Evaluates NK(namespace, key epoch) by threshold: asks every holder of the committee at once, checks each partial
/// evaluation's DLEQ proof against the commitments as it arrives, and combines the first t valid ones. A holder that
/// is down, slow or answers with a bad proof is named and skipped; with fewer than t valid partials nothing is
/// combined and the caller gets <see cref="KmsErrorKind.Unavailable"/>.
/// </summary>
internal sealed class NamespaceKeyEvaluator(IGrainFactory grains, TimeSpan callTimeout)
{
    /// <summary>Returns the 32-byte namespace key; the caller zeroes it.</summary>
    /// <exception cref="KmsException">Fewer than t valid partials (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public async Task<byte[]> EvaluateAsync(Committee committee, string @namespace, long keyEpoch, CancellationToken cancellationToken)
    {
        FeldmanCommitments commitments = FeldmanCommitments.Decode(committee.Commitments);
        ECPoint element = NamespaceKey.Element(@namespace, keyEpoch);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = committee.Members.ToDictionary(
            member => (Task)grains.GetGrain<IKeyShareGrain>(KeyShareGrainKey.Create(member.SiloName, committee.Epoch))
                .EvaluateAsync(@namespace, keyEpoch, cancel.Token)
                .WaitAsync(callTimeout, cancel.Token),
            member => member);

        var valid = new List<PartialEvaluation>(committee.Threshold);
        var problems = new List<string>();
        while (valid.Count < committee.Threshold && pending.Count > 0)
        {
            Task done = await Task.WhenAny(pending.Keys);
            CommitteeMember member = pending[done];
            pending.Remove(done);
            if (!done.IsCompletedSuccessfully)
            {
                problems.Add($"{member.SiloName}: {CommitteeDealer.Reason(done.Exception)}");
                continue;
            }

            if (TryDecode(((Task<byte[]>)done).Result, member, commitments, element) is { } partial)
            {
                valid.Add(partial);
            }
            else
            {
                problems.Add($"{member.SiloName}: its partial evaluation does not verify");
            }
        }

        await cancel.CancelAsync();
        if (valid.Count < committee.Threshold)
        {
            throw new KmsException(
                KmsErrorKind.Unavailable,
                $"The namespace key needs {committee.Threshold} key shares and only {valid.Count} answered with a valid " +
                $"evaluation; nothing was released ({string.Join("; ", problems)}).");
        }

        try
        {
            return NamespaceKey.Derive(@namespace, keyEpoch, valid, commitments);
        }
        catch (CryptographicException)
        {
            throw new KmsException(KmsErrorKind.Unavailable, "The key shares' evaluations do not combine; nothing was released.");
        }
    }

    private static PartialEvaluation? TryDecode(byte[] encoded, CommitteeMember member, FeldmanCommitments commitments, ECPoint element)
    {
        try
        {
            PartialEvaluation partial = PartialEvaluation.Decode(encoded);
            return partial.Index == member.ShareIndex && ThresholdOprf.Voprf.VerifyPartial(element, partial, commitments) ? partial : null;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            return null;
        }
    }
}
