namespace Kms.Grains.Cluster;

/// <summary>Where the cluster's root key stands.</summary>
public enum ClusterState
{
    /// <summary>No root key has been dealt yet: nothing can be released.</summary>
    Uninitialized = 0,

    /// <summary>Every committee member is a live silo.</summary>
    Active = 1,

    /// <summary>Some committee members are not live; keys are served while at least t are.</summary>
    Degraded = 2,
}

/// <summary>One holder of a root-key share: the silo and the share's index (its x coordinate).</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.CommitteeMember")]
public sealed record CommitteeMember([property: Id(0)] string SiloName, [property: Id(1)] int ShareIndex);

/// <summary>What a namespace needs to evaluate its key: the holders of one epoch and their commitments.</summary>
/// <param name="Epoch">The share epoch; each refresh or reshare starts a new one.</param>
/// <param name="Threshold">t: how many valid partial evaluations make a key.</param>
/// <param name="Members">The holders of this epoch's shares.</param>
/// <param name="Commitments">The Feldman commitments of this epoch (encoded, compressed points).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.Committee")]
public sealed record Committee(
    [property: Id(0)] long Epoch,
    [property: Id(1)] int Threshold,
    [property: Id(2)] IReadOnlyList<CommitteeMember> Members,
    [property: Id(3)] byte[] Commitments);

/// <summary>An administrator registered at init: signs admin requests and receives a recovery share.</summary>
/// <param name="Name">The key id admin requests name (1–64 of [A-Za-z0-9._-]).</param>
/// <param name="SigningKey">P-256 ECDSA public key, SubjectPublicKeyInfo DER: verifies the admin's requests.</param>
/// <param name="RecoveryKey">X25519 public key (32 bytes): the admin's recovery share is sealed to it with HPKE.
/// Empty when the admin holds no recovery share.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.AdminKey")]
public sealed record AdminKey([property: Id(0)] string Name, [property: Id(1)] byte[] SigningKey, [property: Id(2)] byte[] RecoveryKey);

/// <summary>The state of the cluster as anyone may read it (no secrets).</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.ClusterStatus")]
public sealed record ClusterStatus(
    [property: Id(0)] ClusterState State,
    [property: Id(1)] long Epoch,
    [property: Id(2)] int Threshold,
    [property: Id(3)] IReadOnlyList<CommitteeMember> Committee,
    [property: Id(4)] IReadOnlyList<string> UnavailableMembers,
    [property: Id(5)] byte[] GroupPublicKey,
    [property: Id(6)] IReadOnlyList<string> Admins,
    [property: Id(7)] DateTimeOffset? LastRefresh,
    [property: Id(8)] string? LastRefreshError);

/// <summary>Deals a new root key.</summary>
/// <param name="Threshold">t, at least 1 and at most the number of silos.</param>
/// <param name="Silos">The committee; empty means every live silo.</param>
/// <param name="Admins">Admin keys (at least one).</param>
/// <param name="RecoveryThreshold">How many admin recovery shares restore the key; 0 for no recovery shares.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.ClusterInitRequest")]
public sealed record ClusterInitRequest(
    [property: Id(0)] int Threshold,
    [property: Id(1)] IReadOnlyList<string> Silos,
    [property: Id(2)] IReadOnlyList<AdminKey> Admins,
    [property: Id(3)] int RecoveryThreshold);

/// <summary>An admin recovery share (HashiCorp Vault share format) sealed with HPKE to the admin's recovery key.</summary>
/// <param name="Admin">The admin it is sealed to.</param>
/// <param name="Encapsulation">The HPKE encapsulated key (32 bytes, DHKEM(X25519, HKDF-SHA256)).</param>
/// <param name="Ciphertext">AES-128-GCM ciphertext of the share (info and aad: see the README).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.SealedRecoveryShare")]
public sealed record SealedRecoveryShare([property: Id(0)] string Admin, [property: Id(1)] byte[] Encapsulation, [property: Id(2)] byte[] Ciphertext);

/// <summary>The outcome of init: the status and the recovery shares, which the KMS does not keep.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.ClusterInitResult")]
public sealed record ClusterInitResult([property: Id(0)] ClusterStatus Status, [property: Id(1)] IReadOnlyList<SealedRecoveryShare> RecoveryShares);

/// <summary>Restores the root key from admin recovery shares and deals it to a new committee.</summary>
/// <param name="Shares">At least the recovery threshold of decrypted Vault-format shares.</param>
/// <param name="Threshold">t of the new committee.</param>
/// <param name="Silos">The new committee; empty means every live silo.</param>
/// <param name="Admins">Admins to register when the cluster state itself was lost; empty keeps the current ones.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Cluster.ClusterRecoverRequest")]
public sealed record ClusterRecoverRequest(
    [property: Id(0)] IReadOnlyList<byte[]> Shares,
    [property: Id(1)] int Threshold,
    [property: Id(2)] IReadOnlyList<string> Silos,
    [property: Id(3)] IReadOnlyList<AdminKey> Admins);
