using System.Security.Cryptography;
using Kms.Attestation.Snp;

namespace Kms.Attestation.Azure;

/// <summary>
/// The "azure-cvm" evidence type (<see cref="AzureCvmEvidence"/>): verifies the chain hardware report → HCL runtime
/// claims → vTPM attestation key → TPM quote → nonce. For SNP the inner report is verified with the SNP verifier; for
/// TDX the separately supplied TD quote is verified by the TDX verifier given to the constructor, and either way the
/// hardware report data must be the hash of the runtime claims (zero-padded). The TPM quote must be signed by HCLAkPub,
/// carry the expected report data (the nonce) as extraData, cover <see cref="AzureCvmPolicy.RequiredPcrs"/> and match
/// the supplied PCR values. The result's <see cref="VerifiedEvidence.ReportData"/> is the TPM extraData.
/// </summary>
public sealed class AzureCvmEvidenceVerifier : IEvidenceVerifier
{
    private const int TdReportDataOffset = 128;

    private readonly AzureCvmPolicy _policy;
    private readonly SnpReportVerifier _snp;
    private readonly ICollateralSource? _collateral;
    private readonly IEvidenceVerifier? _tdxQuoteVerifier;
    private readonly AmdRevocationChecker? _revocation;
    private readonly TimeProvider _timeProvider;

    /// <param name="policy">The SNP policy and required PCRs.</param>
    /// <param name="timeProvider">The clock for certificate validity.</param>
    /// <param name="collateral">Where VCEKs come from when the evidence carries none.</param>
    /// <param name="tdxQuoteVerifier">The "tdx-dcap" verifier for Azure TDX; without it TDX evidence is refused.</param>
    /// <param name="revocation">
    /// AMD CRL handling for SNP evidence when <paramref name="collateral"/> is given (default fail closed); without a
    /// collateral source no CRL is consulted and PlatformIds["amd_crl"] is "not-checked".
    /// </param>
    public AzureCvmEvidenceVerifier(AzureCvmPolicy policy, TimeProvider timeProvider, ICollateralSource? collateral = null, IEvidenceVerifier? tdxQuoteVerifier = null, AmdRevocationOptions? revocation = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _policy = policy;
        _snp = new SnpReportVerifier(policy.Snp, timeProvider);
        _collateral = collateral;
        _tdxQuoteVerifier = tdxQuoteVerifier;
        _timeProvider = timeProvider;
        _revocation = collateral is null ? null : new AmdRevocationChecker(collateral, revocation);
    }

    /// <summary>"azure-cvm".</summary>
    public string EvidenceType => "azure-cvm";

    public async ValueTask<VerifiedEvidence> VerifyAsync(ReadOnlyMemory<byte> evidence, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken = default)
    {
        if (expectedReportData.IsEmpty || expectedReportData.Length > 64)
        {
            throw new ArgumentException("The expected report data (the TPM quote nonce) must be 1 to 64 bytes.", nameof(expectedReportData));
        }

        AzureCvmEvidence container = AzureCvmEvidence.Parse(evidence.Span);
        HclReport hcl = HclReport.Parse(container.HclReport);
        byte[] hardwareReportData = hcl.ExpectedHardwareReportData();

        VerifiedEvidence hardware = hcl.ReportType switch
        {
            HclReportType.Snp => await VerifySnpAsync(hcl, container, hardwareReportData, cancellationToken).ConfigureAwait(false),
            _ => await VerifyTdxAsync(hcl, container, hardwareReportData, cancellationToken).ConfigureAwait(false),
        };

        HclRuntimeClaims runtime = HclRuntimeClaims.Parse(hcl.RuntimeData.Span);
        TpmQuote quote = TpmQuote.Parse(container.TpmQuoteMessage);
        quote.VerifySignature(container.TpmQuoteSignature, runtime.AttestationKey);
        if (!CryptographicOperations.FixedTimeEquals(quote.ExtraData.Span, expectedReportData.Span))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The TPM quote's extraData is not this request's nonce.");
        }

        foreach (int required in _policy.RequiredPcrs)
        {
            if (!quote.SelectedPcrs.Contains(required))
            {
                throw new AttestationException(AttestationFailureKind.PolicyViolation, $"The TPM quote does not cover PCR {required}.");
            }
        }

        quote.VerifyPcrValues(container.Pcrs);

        return hardware with
        {
            ReportData = quote.ExtraData.ToArray(),
            Azure = new AzureVtpmClaims
            {
                Pcrs = container.Pcrs,
                RuntimeClaimsJson = runtime.Json,
                AttestationKeyJwk = runtime.AttestationKeyJwk,
            },
        };
    }

    private async ValueTask<VerifiedEvidence> VerifySnpAsync(HclReport hcl, AzureCvmEvidence container, byte[] hardwareReportData, CancellationToken cancellationToken)
    {
        SnpReport report = SnpReport.Parse(hcl.HardwareReport.Span);
        byte[] vcek = container.Vcek ?? await SnpVcekLookup.FetchAsync(_collateral, report, cancellationToken).ConfigureAwait(false);
        VerifiedEvidence verified = _snp.VerifyUnbound(hcl.HardwareReport.Span, vcek, TeeType.AzureSevSnp, out _, out SnpEndorsementKey key);

        // The HCL (paravisor) requests the report from VMPL 0; a report from another VMPL is not the HCL's.
        if (report.Measurements.Vmpl != 0)
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"The HCL's SNP report must come from VMPL 0, not {report.Measurements.Vmpl}.");
        }

        if (!CryptographicOperations.FixedTimeEquals(verified.ReportData.Span, hardwareReportData))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The SNP report data is not the hash of the HCL runtime claims.");
        }

        string crl = _revocation is null
            ? "not-checked"
            : await _revocation.RequireNotRevokedAsync(key.Family, key.Kind, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return verified with { PlatformIds = new Dictionary<string, string>(verified.PlatformIds, StringComparer.Ordinal) { [AmdRevocationChecker.PlatformIdKey] = crl } };
    }

    private async ValueTask<VerifiedEvidence> VerifyTdxAsync(HclReport hcl, AzureCvmEvidence container, byte[] hardwareReportData, CancellationToken cancellationToken)
    {
        // The TDREPORT itself is only MAC'ed for the local platform; its REPORTDATA must still name the same runtime
        // claims, so that a TD quote and HCL report of different VMs are not combined.
        if (!hcl.HardwareReport.Span.Slice(TdReportDataOffset, 64).SequenceEqual(hardwareReportData))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The TDREPORT's report data is not the hash of the HCL runtime claims.");
        }

        if (_tdxQuoteVerifier is null)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "Azure TDX evidence needs a TDX quote verifier, and none is configured.");
        }

        if (container.TdQuote is not { Length: > 0 } tdQuote)
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, "Azure TDX evidence must carry the TD quote (td_quote).");
        }

        VerifiedEvidence verified = await _tdxQuoteVerifier.VerifyAsync(tdQuote, hardwareReportData, cancellationToken).ConfigureAwait(false);
        return verified with { Tee = TeeType.AzureTdx };
    }
}
