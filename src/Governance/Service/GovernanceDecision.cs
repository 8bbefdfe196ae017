namespace Kms.Governance.Service;

/// <summary>Why governance said no.</summary>
public enum GovernanceDenialReason
{
    /// <summary>Not denied.</summary>
    None,

    /// <summary>The namespace has no policy / no configured contract.</summary>
    UnknownNamespace,

    /// <summary>The identity is not admitted.</summary>
    IdentityNotAllowed,

    /// <summary>The identity was admitted but its admission has expired.</summary>
    IdentityExpired,

    /// <summary>The identity is admitted but not granted this key.</summary>
    KeyNotGranted,

    /// <summary>The identity may not replicate or join.</summary>
    ReplicationNotGranted,

    /// <summary>The account is not an operator.</summary>
    NotOperator,
}

/// <summary>A definite governance answer.</summary>
/// <param name="IsAllowed">Whether the action is allowed.</param>
/// <param name="Reason">Why not (<see cref="GovernanceDenialReason.None"/> when allowed).</param>
/// <param name="Detail">A human-readable explanation (public data only).</param>
/// <param name="ConfigHash">For identity checks: the 32-byte config hash of the identity, when one is set.</param>
/// <param name="SourceVersion">What the answer is based on: the policy serial, or the block number read.</param>
public sealed record GovernanceDecision(bool IsAllowed, GovernanceDenialReason Reason, string Detail, byte[]? ConfigHash, ulong SourceVersion)
{
    /// <summary>An allow decision.</summary>
    public static GovernanceDecision Allow(string detail, ulong sourceVersion, byte[]? configHash = null) =>
        new(true, GovernanceDenialReason.None, detail, configHash, sourceVersion);

    /// <summary>A deny decision.</summary>
    public static GovernanceDecision Deny(GovernanceDenialReason reason, string detail, ulong sourceVersion) =>
        new(false, reason, detail, null, sourceVersion);
}
