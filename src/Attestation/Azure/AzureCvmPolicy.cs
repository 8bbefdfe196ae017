using Kms.Attestation.Snp;

namespace Kms.Attestation.Azure;

/// <summary>What Azure confidential-VM raw evidence must satisfy.</summary>
public sealed record AzureCvmPolicy
{
    /// <summary>The policy for the SNP report inside the HCL report. Default: <see cref="SnpPolicy.Default"/>.</summary>
    public SnpPolicy Snp { get; init; } = SnpPolicy.Default;

    /// <summary>
    /// vTPM PCRs the TPM quote must cover. Default: 4, 9, 11 (boot manager, kernel/initrd, unified kernel image: the
    /// software identity of the Go system's MAA scheme).
    /// </summary>
    public IReadOnlyList<int> RequiredPcrs { get; init; } = [4, 9, 11];
}
