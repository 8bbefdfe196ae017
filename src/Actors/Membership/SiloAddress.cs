using System.Globalization;

namespace Kms.Actors.Membership;

/// <summary>A silo incarnation: its transport endpoint plus a generation (start time) that tells a restarted silo on
/// the same endpoint from its predecessor.</summary>
/// <param name="Host">IP address or host name of the silo transport.</param>
/// <param name="Port">Port of the silo transport.</param>
/// <param name="Generation">Start epoch of this incarnation (milliseconds since the Unix epoch, made unique).</param>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <summary>The transport base URI: <c>http</c> (h2c) by default, <c>https</c> when the cluster uses mutual TLS.</summary>
    public Uri ToUri(string scheme = "http") => new($"{scheme}://{(Host.Contains(':') ? "[" + Host + "]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <inheritdoc/>
    public override string ToString() => $"{Host}:{Port}@{Generation}";
}

/// <summary>Lifecycle status of a silo in the membership table.</summary>
public enum SiloStatus
{
    /// <summary>Not yet in the table.</summary>
    None,
    /// <summary>Joining: in the table, not serving grains yet.</summary>
    Joining,
    /// <summary>Active: serving grains; a placement target.</summary>
    Active,
    /// <summary>Shutting down gracefully: serves its existing activations while they deactivate, accepts no new ones.</summary>
    ShuttingDown,
    /// <summary>Dead: stopped or declared failed. Terminal for this generation.</summary>
    Dead,
}

/// <summary>One silo's row in the membership table.</summary>
/// <param name="Address">The silo incarnation.</param>
/// <param name="SiloName">Operator-given name, unique among live silos (pinned grains are keyed by it).</param>
/// <param name="Status">Its status.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="IAmAliveTime">Last heartbeat.</param>
public sealed record MembershipEntry(SiloAddress Address, string SiloName, SiloStatus Status, DateTimeOffset StartTime, DateTimeOffset IAmAliveTime);

/// <summary>A membership row with its row version (ETag).</summary>
public sealed record VersionedMembershipEntry(MembershipEntry Entry, string ETag);

/// <summary>A consistent read of the whole table: all rows and the table version (a global compare-and-set token
/// that every insert or update bumps).</summary>
public sealed record MembershipTableSnapshot(long Version, IReadOnlyList<VersionedMembershipEntry> Entries)
{
    /// <summary>An empty table.</summary>
    public static MembershipTableSnapshot Empty { get; } = new(0, []);

    /// <summary>The status of <paramref name="silo"/>; <see cref="SiloStatus.None"/> if it is not in the table.</summary>
    public SiloStatus StatusOf(SiloAddress silo)
    {
        foreach (VersionedMembershipEntry row in Entries)
        {
            if (row.Entry.Address == silo)
            {
                return row.Entry.Status;
            }
        }

        return SiloStatus.None;
    }
}
