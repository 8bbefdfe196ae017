namespace Kms.Grains.Workloads;

/// <summary>The stored record of one workload identity.</summary>
[GenerateSerializer, Alias("Kms.Grains.Workloads.WorkloadIdentityState")]
public sealed class WorkloadIdentityState
{
    /// <summary>When the identity was revoked; nothing is released to it afterwards.</summary>
    [Id(0)]
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The admin who revoked it.</summary>
    [Id(1)]
    public string? RevokedBy { get; set; }

    /// <summary>Instances by instance id (hex).</summary>
    [Id(2)]
    public Dictionary<string, InstanceState> Instances { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The latest releases, oldest first.</summary>
    [Id(3)]
    public List<ReleaseRecord> RecentReleases { get; set; } = [];

    /// <summary>How many releases there have been.</summary>
    [Id(4)]
    public long Releases { get; set; }
}

/// <summary>What is known of one instance.</summary>
[GenerateSerializer, Alias("Kms.Grains.Workloads.InstanceState")]
public sealed class InstanceState
{
    /// <summary>When it was first admitted.</summary>
    [Id(0)]
    public DateTimeOffset FirstSeen { get; set; }

    /// <summary>When it was last admitted.</summary>
    [Id(1)]
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>SHA-256 of the key its last release was sealed to.</summary>
    [Id(2)]
    public byte[] RecipientKeyHash { get; set; } = [];

    /// <summary>Whether two live instances presented this instance id (a cloned VM); nothing is released to it again.</summary>
    [Id(3)]
    public bool CloneSuspected { get; set; }
}
