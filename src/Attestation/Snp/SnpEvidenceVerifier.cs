namespace Kms.Attestation.Snp;

/// <summary>
/// The "sev-snp" evidence type. Evidence bytes are the 1184-byte ATTESTATION_REPORT, optionally followed directly by
/// the DER certificate of the key that signed it (VCEK or VLEK, as the report's SIGNING_KEY says). Without an appended
/// certificate the VCEK is taken from the <see cref="ICollateralSource"/> (processor family from the report's CPUID
/// for version 3 reports, otherwise each pinned family in turn); a VLEK must always be appended.
/// </summary>
public sealed class SnpEvidenceVerifier : IEvidenceVerifier
{
    private readonly SnpReportVerifier _verifier;
    private readonly ICollateralSource? _collateral;

    public SnpEvidenceVerifier(SnpPolicy policy, TimeProvider timeProvider, ICollateralSource? collateral = null)
    {
        _verifier = new SnpReportVerifier(policy, timeProvider);
        _collateral = collateral;
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

        return _verifier.Verify(report.Span, certificate.Span, expectedReportData.Span);
    }
}
