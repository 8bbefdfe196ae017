namespace Kms.Grains.KeyShares;

/// <summary>
/// One silo's share of the root key for one epoch (key <c>"&lt;silo name&gt;/&lt;epoch&gt;"</c>). It lives only on the
/// silo its key names, keeps the share sealed under that silo's own key, and answers with partial evaluations and
/// DLEQ proofs — never with the share.
/// </summary>
[Alias("Kms.Grains.KeyShares.IKeyShareGrain")]
public interface IKeyShareGrain : IGrainWithStringKey
{
    /// <summary>The X25519 public key dealers seal this grain's share to.</summary>
    [Alias("GetTransportKey")]
    Task<byte[]> GetTransportKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens, checks against the commitments and stores a dealt share; refused if a share is held.</summary>
    [Alias("AcceptDeal")]
    Task<KeyShareInfo> AcceptDealAsync(ShareDeal deal, CancellationToken cancellationToken = default);

    /// <summary>The encoded partial evaluation (with its DLEQ proof) of NK(namespace, keyEpoch).</summary>
    /// <exception cref="KmsException">No share is held (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("Evaluate")]
    Task<byte[]> EvaluateAsync(string @namespace, long keyEpoch, CancellationToken cancellationToken = default);

    /// <summary>Deals sub-shares of the held share to the next epoch's holders.</summary>
    [Alias("DealReshare")]
    Task<ReshareDealing> DealReshareAsync(ReshareOrder order, CancellationToken cancellationToken = default);

    /// <summary>Combines sub-shares from the old epoch into this grain's share, each checked against its dealer's commitments.</summary>
    [Alias("AcceptReshare")]
    Task<KeyShareInfo> AcceptReshareAsync(ReshareDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Wipes the share (after its epoch has been replaced).</summary>
    [Alias("Wipe")]
    Task WipeAsync(CancellationToken cancellationToken = default);

    /// <summary>The public facts of the held share, or <see langword="null"/> when none is held.</summary>
    [Alias("GetInfo")]
    Task<KeyShareInfo?> GetInfoAsync(CancellationToken cancellationToken = default);
}
