namespace Kms.Grains.KeyShares;

/// <summary>
/// A share in transit between grains: HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, sealed
/// to the receiving key-share grain's transport key, with that grain's key and the share index as associated data,
/// so that no grain in between (the cluster grain relays sub-shares) can read it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.SealedShare")]
public sealed record SealedShare([property: Id(0)] int ShareIndex, [property: Id(1)] byte[] Encapsulation, [property: Id(2)] byte[] Ciphertext);

/// <summary>A dealt share of a new root key (init, recover), with the commitments it must match.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.ShareDeal")]
public sealed record ShareDeal(
    [property: Id(0)] int Threshold,
    [property: Id(1)] byte[] Commitments,
    [property: Id(2)] SealedShare Share);

/// <summary>A holder of the next epoch: its silo, share index and transport key.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.ShareRecipient")]
public sealed record ShareRecipient([property: Id(0)] string SiloName, [property: Id(1)] int ShareIndex, [property: Id(2)] byte[] TransportKey);

/// <summary>Asks a holder of the current epoch to deal sub-shares of its share to the next epoch's holders.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.ReshareOrder")]
public sealed record ReshareOrder(
    [property: Id(0)] long NewEpoch,
    [property: Id(1)] int NewThreshold,
    [property: Id(2)] IReadOnlyList<ShareRecipient> Recipients,
    [property: Id(3)] byte[] Commitments);

/// <summary>One dealer's sub-shares (one per recipient, each sealed to it) and the commitments of its polynomial.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.ReshareDealing")]
public sealed record ReshareDealing(
    [property: Id(0)] int DealerIndex,
    [property: Id(1)] byte[] DealerCommitments,
    [property: Id(2)] IReadOnlyList<SealedShare> SubShares);

/// <summary>A sub-share for one recipient from one dealer.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.ReshareSubShare")]
public sealed record ReshareSubShare([property: Id(0)] int DealerIndex, [property: Id(1)] byte[] DealerCommitments, [property: Id(2)] SealedShare SubShare);

/// <summary>What a next-epoch holder combines into its share: at least t of the old epoch's sub-shares.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.ReshareDelivery")]
public sealed record ReshareDelivery(
    [property: Id(0)] int NewThreshold,
    [property: Id(1)] byte[] OldCommitments,
    [property: Id(2)] IReadOnlyList<ReshareSubShare> SubShares);

/// <summary>The public facts of a held share.</summary>
/// <param name="PublicShare">s_i·G, compressed: the cluster grain checks it against the new commitments.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.KeyShares.KeyShareInfo")]
public sealed record KeyShareInfo([property: Id(0)] string SiloName, [property: Id(1)] long Epoch, [property: Id(2)] int ShareIndex, [property: Id(3)] byte[] PublicShare);
