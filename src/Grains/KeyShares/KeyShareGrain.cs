using System.Globalization;
using System.Security.Cryptography;
using Kms.Crypto.Hpke;
using Kms.Crypto.Oprf;
using Kms.Crypto.Sharing;
using Kms.Grains.Placement;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;
using CryptoReshareDealing = Kms.Crypto.Sharing.ReshareDealing;

namespace Kms.Grains.KeyShares;

/// <summary>
/// Implements <see cref="IKeyShareGrain"/>. Placed only on the silo its key names, and refuses to activate anywhere
/// else; holds its share sealed under that silo's own key and only ever answers with evaluations and public values.
/// </summary>
[SiloBoundPlacement]
internal sealed partial class KeyShareGrain(
    [PersistentState("share", GrainStorageNames.Kms)] IPersistentState<KeyShareState> state,
    ILocalSiloDetails silo,
    SiloSealingKey siloKey,
    ILogger<KeyShareGrain> logger) : Grain, IKeyShareGrain
{
    private ScalarShare? _share;
    private FeldmanCommitments? _commitments;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        SiloBoundKey.EnsureHostedBy(this.GetGrainId(), silo.Name);
        _ = KeyShareGrainKey.Parse(Key);
        return Task.CompletedTask;
    }

    public Task<byte[]> GetTransportKeyAsync(CancellationToken cancellationToken)
    {
        using X25519KeyPair transport = siloKey.TransportKey(this.GetGrainId());
        return Task.FromResult(transport.PublicKey.ToArray());
    }

    public async Task<KeyShareInfo> AcceptDealAsync(ShareDeal deal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deal);
        EnsureEmpty();
        FeldmanCommitments commitments = DecodeCommitments(deal.Commitments);
        ScalarShare share = OpenShare(deal.Share);
        if (commitments.Threshold != deal.Threshold || !commitments.Verify(share))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The share dealt to {Key} does not match the published commitments.");
        }

        await StoreAsync(share, commitments, cancellationToken);
        return Info();
    }

    public Task<byte[]> EvaluateAsync(string @namespace, long keyEpoch, CancellationToken cancellationToken)
    {
        ScalarShare share = LoadShare();
        try
        {
            return Task.FromResult(NamespaceKey.EvaluatePartial(share, @namespace, keyEpoch).Encode());
        }
        catch (ArgumentException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, exception.Message);
        }
    }

    public Task<ReshareDealing> DealReshareAsync(ReshareOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ScalarShare share = LoadShare();
        if (!_commitments!.Encode().AsSpan().SequenceEqual(order.Commitments))
        {
            throw new KmsException(KmsErrorKind.Conflict, $"{Key} holds a share of other commitments than the reshare names.");
        }

        if (order.NewEpoch <= KeyShareGrainKey.Parse(Key).Epoch)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A reshare must move the share to a later epoch.");
        }

        CryptoReshareDealing dealing;
        try
        {
            dealing = Resharing.Deal(share, _commitments, order.NewThreshold, order.Recipients.Select(r => r.ShareIndex).ToArray());
        }
        catch (ArgumentException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, exception.Message);
        }

        var subShares = new List<SealedShare>(order.Recipients.Count);
        foreach (ShareRecipient recipient in order.Recipients)
        {
            string recipientKey = KeyShareGrainKey.Create(recipient.SiloName, order.NewEpoch);
            subShares.Add(ShareTransport.Seal(dealing.SubShares[recipient.ShareIndex], recipientKey, recipient.TransportKey));
        }

        LogDealt(logger, Key, order.NewEpoch, order.Recipients.Count);
        return Task.FromResult(new ReshareDealing(share.Index, dealing.Commitments.Encode(), subShares));
    }

    public async Task<KeyShareInfo> AcceptReshareAsync(ReshareDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        EnsureEmpty();
        FeldmanCommitments oldCommitments = DecodeCommitments(delivery.OldCommitments);
        var contributions = new List<ReshareContribution>(delivery.SubShares.Count);
        int index = 0;
        foreach (ReshareSubShare subShare in delivery.SubShares)
        {
            ScalarShare opened = OpenShare(subShare.SubShare);
            index = index == 0 ? opened.Index : index;
            if (opened.Index != index)
            {
                throw new KmsException(KmsErrorKind.MalformedInput, "Sub-shares for one holder carry different indices.");
            }

            contributions.Add(new ReshareContribution(subShare.DealerIndex, opened, DecodeCommitments(subShare.DealerCommitments)));
        }

        ReshareResult result;
        try
        {
            result = Resharing.CombineNewShare(index, contributions, oldCommitments);
        }
        catch (ShareVerificationException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Resharing to {Key} failed: {exception.Message}");
        }
        catch (ArgumentException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Resharing to {Key} failed: {exception.Message}");
        }

        if (result.Commitments.Threshold != delivery.NewThreshold)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The sub-shares do not make a share of the requested threshold.");
        }

        await StoreAsync(result.Share, result.Commitments, cancellationToken);
        return Info();
    }

    public async Task WipeAsync(CancellationToken cancellationToken)
    {
        if (state.State.Wiped)
        {
            return;
        }

        state.State.SealedShare = [];
        state.State.Wiped = true;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        _share = null;
        LogWiped(logger, Key);
    }

    public Task<KeyShareInfo?> GetInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(state.State.SealedShare.Length == 0 ? null : Info());

    private KeyShareInfo Info()
    {
        KeyShareGrainKey key = KeyShareGrainKey.Parse(Key);
        FeldmanCommitments commitments = _commitments ??= DecodeCommitments(state.State.Commitments);
        byte[] publicShare = Kms.Crypto.P256.P256Curve.EncodePoint(commitments.PublicShare(state.State.ShareIndex));
        return new KeyShareInfo(key.SiloName, key.Epoch, state.State.ShareIndex, publicShare);
    }

    private void EnsureEmpty()
    {
        if (state.State.Wiped || state.State.SealedShare.Length != 0)
        {
            throw new KmsException(KmsErrorKind.Conflict, $"{Key} already holds (or held) a share; a share is never replaced in place.");
        }
    }

    private ScalarShare OpenShare(SealedShare sealedShare)
    {
        using X25519KeyPair transport = siloKey.TransportKey(this.GetGrainId());
        return ShareTransport.Open(sealedShare, Key, transport);
    }

    private async Task StoreAsync(ScalarShare share, FeldmanCommitments commitments, CancellationToken cancellationToken)
    {
        byte[] encoded = share.Encode();
        try
        {
            state.State.ShareIndex = share.Index;
            state.State.Threshold = commitments.Threshold;
            state.State.Commitments = commitments.Encode();
            state.State.SealedShare = siloKey.Seal(encoded, this.GetGrainId());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }

        await state.WriteOrDeactivateAsync(this, cancellationToken);
        _share = share;
        _commitments = commitments;
        LogStored(logger, Key, share.Index);
    }

    private ScalarShare LoadShare()
    {
        if (_share is not null)
        {
            return _share;
        }

        if (state.State.SealedShare.Length == 0)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"{Key} holds no share{(state.State.Wiped ? " (wiped)" : string.Empty)}.");
        }

        byte[] encoded = siloKey.Open(state.State.SealedShare, this.GetGrainId());
        try
        {
            _commitments = DecodeCommitments(state.State.Commitments);
            _share = ScalarShare.Decode(encoded);
            return _share;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    private static FeldmanCommitments DecodeCommitments(byte[]? encoded)
    {
        try
        {
            return FeldmanCommitments.Decode(encoded ?? []);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The commitments are malformed.");
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Key share {Grain} stored (index {Index}).")]
    private static partial void LogStored(ILogger logger, string grain, int index);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Key share {Grain} dealt sub-shares for epoch {Epoch} to {Recipients} holders.")]
    private static partial void LogDealt(ILogger logger, string grain, long epoch, int recipients);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Key share {Grain} wiped.")]
    private static partial void LogWiped(ILogger logger, string grain);
}

/// <summary>The key of a key-share grain: <c>"&lt;silo name&gt;/&lt;epoch&gt;"</c>.</summary>
internal readonly record struct KeyShareGrainKey(string SiloName, long Epoch)
{
    public static string Create(string siloName, long epoch) =>
        SiloBoundKey.Create(siloName, epoch.ToString(CultureInfo.InvariantCulture));

    public static KeyShareGrainKey Parse(string key)
    {
        if (!SiloBoundKey.TryGetSiloName(key, out string siloName)
            || !long.TryParse(key.AsSpan(siloName.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long epoch))
        {
            throw new InvalidOperationException($"'{key}' is not a key-share grain key ('<silo name>/<epoch>').");
        }

        return new KeyShareGrainKey(siloName, epoch);
    }
}
