namespace Kms.Silo;

/// <summary>
/// Orleans' failure detection as a KMS uses it (section <c>Silo:Membership</c>). The defaults declare a killed or
/// frozen silo dead in about <see cref="ProbeTimeout"/> × (<see cref="NumMissedProbesLimit"/> + 1) plus a table
/// round trip: a few seconds rather than Orleans' default of half a minute to two minutes, because a KMS request
/// waits for every silo it needs a key share from. docs/operations.md explains the resulting failover times.
/// </summary>
public sealed class SiloMembershipOptions
{
    /// <summary>How long a silo waits for a probe answer from a peer. Orleans' default: 5 s. Default: 2 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a probe may wait once Orleans has stretched its adaptive timeout (slow answers, or this silo
    /// starved of CPU). Orleans' default: 4 × <see cref="ProbeTimeout"/> (8 s here, which put a frozen silo's death
    /// declaration at ~17 s on a busy machine). Default: 4 s, so a frozen or killed silo is declared dead within about
    /// <see cref="NumMissedProbesLimit"/> × 4 s plus a table write even then.
    /// </summary>
    public TimeSpan MaxProbeTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Missed probes after which a silo suspects a peer. Orleans' default: 3. Default: 2.</summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions from distinct silos needed to declare a peer dead. Default (Orleans'): 2.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How often a silo writes its liveness to the membership table. Orleans' default: 30 s. Default: 10 s.</summary>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often silos reread the membership table. Orleans' default: 60 s. Default: 10 s.</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a suspicion vote counts towards a death declaration. Orleans' default: 120 s. Default: 30 s: a silo
    /// that keeps failing probes is voted again every probe round, so live votes stay fresh, while two stale votes
    /// from unrelated hiccups minutes apart can no longer add up to declaring a healthy silo dead.
    /// </summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
