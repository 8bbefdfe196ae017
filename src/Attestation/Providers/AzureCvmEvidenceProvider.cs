namespace Kms.Attestation.Providers;

/// <summary>
/// Azure confidential VM evidence ("azure-cvm": HCL report, runtime claims and a vTPM quote over PCRs 4, 9 and 11).
/// Not built yet: reading the HCL report from the vTPM NV index and making the TPM2 quote is issue 14. Every call
/// fails with <see cref="EvidenceProviderFailure.NotSupported"/>, so nothing pretends to be evidence.
/// </summary>
public sealed class AzureCvmEvidenceProvider : IEvidenceProvider
{
    /// <inheritdoc/>
    public string EvidenceType => "azure-cvm";

    /// <inheritdoc/>
    /// <exception cref="EvidenceProviderException">Always: not supported yet (issue 14).</exception>
    public Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default) =>
        throw new EvidenceProviderException(EvidenceProviderFailure.NotSupported,
            "Azure confidential VM (vTPM) evidence is not supported by this client yet (issue 14); use tdx-dcap or sev-snp through configfs-tsm.");
}
