namespace Kms.Attestation.Azure;

/// <summary>Which claim of an Azure Attestation token carries the caller's report data.</summary>
public enum MaaReportDataClaim
{
    /// <summary>
    /// <c>x-ms-runtime.client-payload.nonce</c>: base64 bytes the guest passed to the Azure guest-attestation client
    /// (the nonce of an Azure CVM guest-attestation request). Compared byte for byte with the expected report data.
    /// </summary>
    ClientPayloadNonce,

    /// <summary>
    /// <c>x-ms-isolation-tee.x-ms-runtime.user-data</c>: the 64-byte (hex) user data the HCL put in the hardware report's
    /// runtime claims. Compared with the expected report data zero-padded to 64 bytes.
    /// </summary>
    UserData,
}

/// <summary>What an Azure Attestation (MAA) token must satisfy.</summary>
public sealed record MaaTokenOptions
{
    /// <summary>
    /// Issuers (MAA instance URLs, e.g. https://sharedweu.weu.attest.azure.net) whose tokens are accepted; compared
    /// ordinally. Required: the default (empty) accepts no issuer.
    /// </summary>
    public IReadOnlyList<string> AllowedIssuers { get; init; } = [];

    /// <summary>The largest <see cref="ClockSkew"/> accepted: 5 minutes (more would quietly extend every token's life).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Tolerance for exp / nbf / iat against the injected clock, 0 to <see cref="MaxClockSkew"/>. Default: 60 seconds.
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When set (positive), tokens issued (iat) longer ago than this are refused. Default: null (only exp applies).
    /// </summary>
    public TimeSpan? MaxTokenAge { get; init; }

    /// <summary>Accepted TEE attestation types (the isolation TEE's x-ms-attestation-type). Default: sevsnpvm, tdxvm.</summary>
    public IReadOnlyList<string> AllowedTeeTypes { get; init; } = ["sevsnpvm", "tdxvm"];

    /// <summary>Accepted x-ms-compliance-status values of the isolation TEE. Default: azure-compliant-cvm.</summary>
    public IReadOnlyList<string> AllowedComplianceStatuses { get; init; } = ["azure-compliant-cvm"];

    /// <summary>Accept a debuggable guest (x-ms-sevsnpvm-is-debuggable / TDX debug). Default: false.</summary>
    public bool AllowDebug { get; init; }

    /// <summary>Which claim binds the request. Default: <see cref="MaaReportDataClaim.ClientPayloadNonce"/>.</summary>
    public MaaReportDataClaim ReportDataClaim { get; init; } = MaaReportDataClaim.ClientPayloadNonce;

    /// <summary>Checks the ranges above.</summary>
    /// <exception cref="ArgumentException">A value is out of range or a list is missing.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ClockSkew, TimeSpan.Zero, nameof(ClockSkew));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ClockSkew, MaxClockSkew, nameof(ClockSkew));
        if (MaxTokenAge is { } maxAge)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero, nameof(MaxTokenAge));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAge, TimeSpan.FromDays(3650), nameof(MaxTokenAge));
        }

        ArgumentNullException.ThrowIfNull(AllowedIssuers);
        ArgumentNullException.ThrowIfNull(AllowedTeeTypes);
        ArgumentNullException.ThrowIfNull(AllowedComplianceStatuses);
        if (!Enum.IsDefined(ReportDataClaim))
        {
            throw new ArgumentOutOfRangeException(nameof(ReportDataClaim), ReportDataClaim, "Unknown report-data claim.");
        }
    }
}
