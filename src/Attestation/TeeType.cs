namespace Kms.Attestation;

/// <summary>The kind of trusted execution environment that produced a piece of evidence.</summary>
public enum TeeType
{
    /// <summary>Intel TDX, verified from a DCAP quote.</summary>
    Tdx,

    /// <summary>AMD SEV-SNP, verified from an attestation report.</summary>
    SevSnp,

    /// <summary>An Azure confidential VM on SEV-SNP, verified through its vTPM (HCL report → SNP report → TPM quote) or an MAA token.</summary>
    AzureSevSnp,

    /// <summary>An Azure confidential VM on TDX, verified through its vTPM (HCL report → TDX quote → TPM quote) or an MAA token.</summary>
    AzureTdx,

    /// <summary>Development evidence signed by a local dev key. Never accepted unless the silo runs with <c>--dev</c>.</summary>
    Dev,

    // Added last so that the numeric values of the others stay as they were.

    /// <summary>An Intel SGX enclave, verified from a DCAP quote.</summary>
    Sgx,
}
