namespace Kms.Attestation.Snp;

/// <summary>
/// The "sev-snp" evidence type. Evidence bytes are the 1184-byte ATTESTATION_REPORT, optionally followed directly by
/// the DER certificate of the key that signed it (VCEK or VLEK, as the report's SIGNING_KEY says). Without an appended
/// certificate the VCEK is taken from the <see cref="ICollateralSource"/> (processor family from the report's CPUID
/// for version 3 reports, otherwise each pinned family in turn); a VLEK must always be appended.
/// With a collateral source, the chain is also checked against AMD's KDS CRL of its family
/// (<see cref="AmdRevocationChecker"/>; a missing or expired CRL refuses the evidence unless
/// <see cref="AmdRevocationOptions"/> allow it). Without one, no CRL is consulted and the result says so:
/// PlatformIds["amd_crl"] is "not-checked".
/// </summary>
public sealed class SnpEvidenceVerifier : IEvidenceVerifier
{
    private readonly SnpReportVerifier _verifier;
    private readonly ICollateralSource? _collateral;
    private readonly AmdRevocationChecker? _revocation;
    private readonly TimeProvider _timeProvider;

    /// <param name="policy">Debug, TCB, VMPL, chip, measurement and host-data policy.</param>
    /// <param name="timeProvider">The clock for certificate and CRL validity.</param>
    /// <param name="collateral">Where VCEKs and AMD CRLs come from; null: appended certificates only, no CRL check.</param>
    /// <param name="revocation">Missing/expired CRL handling; default <see cref="AmdRevocationOptions.Default"/> (fail closed).</param>
    public SnpEvidenceVerifier(SnpPolicy policy, TimeProvider timeProvider, ICollateralSource? collateral = null, AmdRevocationOptions? revocation = null)
    {
        _verifier = new SnpReportVerifier(policy, timeProvider);
        _collateral = collateral;
        _timeProvider = timeProvider;
        _revocation = collateral is null ? null : new AmdRevocationChecker(collateral, revocation);
    }

    /// <summary>"sev-snp".</summary>
    public string EvidenceType => "sev-snp";

    public async ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default)
    {
        if (evidence.Length < SnpReport.Size)
        {
            throw AttestationException.Malformed($"SEV-SNP evidence starts with a {SnpReport.Size}-byte report; got {evidence.Length} bytes.");
        }

        ReadOnlyMemory<byte> report = evidence[..SnpReport.Size];
        ReadOnlyMemory<byte> certificate = evidence[SnpReport.Size..];
        if (certificate.IsEmpty)
        {
            certificate = await SnpVcekLookup.FetchAsync(_collateral, SnpReport.Parse(report.Span), cancellationToken).ConfigureAwait(false);
        }

        VerifiedEvidence verified = _verifier.Verify(report.Span, certificate.Span, expectedReportData.Span, out SnpProcessorFamily family, out SnpSigningKey kind);
        string crl = _revocation is null
            ? "not-checked"
            : await _revocation.RequireNotRevokedAsync(family, kind, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return verified with { PlatformIds = new Dictionary<string, string>(verified.PlatformIds, StringComparer.Ordinal) { [AmdRevocationChecker.PlatformIdKey] = crl } };
    }
}
