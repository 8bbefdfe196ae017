namespace Kms.Grains.Cluster;

/// <summary>
/// The one grain (key <see cref="Key"/>) that owns the root key's committee: who holds the shares of which epoch,
/// the threshold, the commitments and the admins. It deals, refreshes and reshares; it never keeps a share.
/// </summary>
[Alias("Kms.Grains.Cluster.IClusterGrain")]
public interface IClusterGrain : IGrainWithStringKey
{
    /// <summary>The key of the cluster grain.</summary>
    const string Key = "cluster";

    /// <summary>The current status.</summary>
    [Alias("GetStatus")]
    Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The committee namespaces evaluate against.</summary>
    /// <exception cref="KmsException">Uninitialized (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("GetCommittee")]
    Task<Committee> GetCommitteeAsync(CancellationToken cancellationToken = default);

    /// <summary>The registered admins (their public keys).</summary>
    [Alias("GetAdmins")]
    Task<IReadOnlyList<AdminKey>> GetAdminsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deals a fresh root key to the committee; refused once initialised.</summary>
    [Alias("Initialize")]
    Task<ClusterInitResult> InitializeAsync(ClusterInitRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gives every holder new shares of the same key (new epoch); the old epoch stays in force on failure.</summary>
    [Alias("Refresh")]
    Task<ClusterStatus> RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves the shares to another committee (a silo added or removed), same key, new epoch.</summary>
    [Alias("Reshare")]
    Task<ClusterStatus> ReshareAsync(IReadOnlyList<string> silos, int threshold, CancellationToken cancellationToken = default);

    /// <summary>Restores the key from admin recovery shares and deals it to a new committee.</summary>
    [Alias("Recover")]
    Task<ClusterStatus> RecoverAsync(ClusterRecoverRequest request, CancellationToken cancellationToken = default);
}
