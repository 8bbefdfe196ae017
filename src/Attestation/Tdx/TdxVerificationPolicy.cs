namespace Kms.Attestation.Tdx;

/// <summary>What a <see cref="TdxQuoteVerifier"/> accepts beyond cryptographic validity.</summary>
public sealed record TdxVerificationPolicy
{
    /// <summary>The default policy: only <see cref="TcbStatus.UpToDate"/> platforms, no debug TDs.</summary>
    public static TdxVerificationPolicy Default { get; } = new();

    /// <summary>
    /// TCB statuses the caller accepts. Default: { UpToDate }. Add SWHardeningNeeded, ConfigurationNeeded or
    /// ConfigurationAndSWHardeningNeeded explicitly to accept platforms that need mitigations; accepting OutOfDate or
    /// Revoked is possible but means accepting known-vulnerable platforms.
    /// </summary>
    public IReadOnlySet<TcbStatus> AcceptedTcbStatuses { get; init; } = new HashSet<TcbStatus> { TcbStatus.UpToDate };

    /// <summary>Accept TDs with TDATTRIBUTES.DEBUG set (their memory is readable by the host). Default: false.</summary>
    public bool AllowDebug { get; init; }

    /// <summary>A policy that also accepts the given statuses.</summary>
    public TdxVerificationPolicy Accepting(params TcbStatus[] statuses) =>
        this with { AcceptedTcbStatuses = new HashSet<TcbStatus>(AcceptedTcbStatuses.Concat(statuses)) };
}
