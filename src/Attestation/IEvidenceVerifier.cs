namespace Kms.Attestation;

/// <summary>Verifies one evidence type end to end.</summary>
public interface IEvidenceVerifier
{
    /// <summary>The evidence type name this verifier accepts (e.g. "tdx-dcap", "sev-snp", "azure-maa", "azure-cvm", "dev").</summary>
    string EvidenceType { get; }

    /// <summary>
    /// Verifies <paramref name="evidence"/> and checks that its report data equals <paramref name="expectedReportData"/>
    /// (in constant time). Throws <see cref="AttestationException"/> with the reason on any failure.
    /// </summary>
    ValueTask<VerifiedEvidence> VerifyAsync(
        ReadOnlyMemory<byte> evidence,
        ReadOnlyMemory<byte> expectedReportData,
        CancellationToken cancellationToken = default);
}
