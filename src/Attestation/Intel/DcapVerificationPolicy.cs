using System.Security.Cryptography;

namespace Kms.Attestation.Intel;

/// <summary>What a DCAP quote verifier accepts beyond cryptographic validity (the same knobs for SGX and TDX).</summary>
/// <typeparam name="TSelf">The TEE's policy type.</typeparam>
public abstract record DcapVerificationPolicy<TSelf>
    where TSelf : DcapVerificationPolicy<TSelf>, new()
{
    /// <summary>The default policy: only <see cref="TcbStatus.UpToDate"/> platforms, no debug TDs or enclaves.</summary>
    public static TSelf Default { get; } = new();

    /// <summary>
    /// TCB statuses the caller accepts. Default: { UpToDate }. Add SWHardeningNeeded, ConfigurationNeeded or
    /// ConfigurationAndSWHardeningNeeded explicitly to accept platforms that need mitigations; accepting OutOfDate or
    /// Revoked is possible but means accepting known-vulnerable platforms.
    /// </summary>
    public IReadOnlySet<TcbStatus> AcceptedTcbStatuses { get; init; } = new HashSet<TcbStatus> { TcbStatus.UpToDate };

    /// <summary>
    /// Accept TDs with TDATTRIBUTES.DEBUG set, or enclaves with ATTRIBUTES.DEBUG set (their memory is readable by the
    /// host). Default: false.
    /// </summary>
    public bool AllowDebug { get; init; }

    /// <summary>A policy that also accepts the given statuses.</summary>
    public TSelf Accepting(params TcbStatus[] statuses) =>
        (TSelf)(this with { AcceptedTcbStatuses = new HashSet<TcbStatus>(AcceptedTcbStatuses.Concat(statuses)) });

    /// <summary>The caller's checks, in order: report data binding, debug, acceptable TCB status.</summary>
    /// <param name="teeName">What runs in the quote's body, for messages ("TD", "enclave").</param>
    internal void Require(DcapQuote quote, ReadOnlySpan<byte> expectedReportData, TcbStatus status, string teeName)
    {
        if (!CryptographicOperations.FixedTimeEquals(quote.ReportData.Span, expectedReportData))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The quote's report data does not match the expected report data.");
        }

        if (quote.IsDebug && !AllowDebug)
        {
            throw new AttestationException(AttestationFailureKind.DebugNotAllowed, $"The {teeName} runs in debug mode and the policy does not allow debug.");
        }

        if (!AcceptedTcbStatuses.Contains(status))
        {
            throw new AttestationException(AttestationFailureKind.TcbNotAcceptable, $"The platform's TCB status {status} is not accepted by the policy.");
        }
    }
}
