namespace Kms.Grains.Cluster;

/// <summary>The stored state of the cluster grain (sealed by the storage serializer like every state).</summary>
[GenerateSerializer, Alias("Kms.Grains.Cluster.ClusterGrainState")]
public sealed class ClusterGrainState
{
    /// <summary>Whether a root key has been dealt.</summary>
    [Id(0)]
    public bool Initialized { get; set; }

    /// <summary>The share epoch in force.</summary>
    [Id(1)]
    public long Epoch { get; set; }

    /// <summary>The highest epoch ever handed to key-share grains, in force or not: a failed deal or reshare may
    /// have left shares under it, and key-share grains never take a second share, so the next attempt moves past it.</summary>
    [Id(2)]
    public long LastUsedEpoch { get; set; }

    /// <summary>t of the epoch in force.</summary>
    [Id(3)]
    public int Threshold { get; set; }

    /// <summary>The holders of the epoch in force.</summary>
    [Id(4)]
    public List<CommitteeMember> Members { get; set; } = [];

    /// <summary>The Feldman commitments of the epoch in force.</summary>
    [Id(5)]
    public byte[] Commitments { get; set; } = [];

    /// <summary>The registered admins.</summary>
    [Id(6)]
    public List<AdminKey> Admins { get; set; } = [];

    /// <summary>When the shares last moved to a new epoch (refresh, reshare, recovery).</summary>
    [Id(7)]
    public DateTimeOffset? LastRefresh { get; set; }

    /// <summary>Why the last refresh or reshare failed, if it did (cleared by a success).</summary>
    [Id(8)]
    public string? LastRefreshError { get; set; }

    /// <summary>Key-share grains of replaced epochs whose wipe has not been confirmed; retried on the next change.</summary>
    [Id(9)]
    public List<string> PendingWipes { get; set; } = [];
}
