namespace Kms.Attestation;

/// <summary>
/// Evidence that a verifier accepted: what the TEE is, what it measured, what it bound into the
/// report data, and the state of its platform. Produced only by an <see cref="IEvidenceVerifier"/>.
/// </summary>
public sealed record VerifiedEvidence
{
    public required TeeType Tee { get; init; }

    /// <summary>The report data the TEE bound into its evidence (64 bytes for TDX, SGX and SNP).</summary>
    public required ReadOnlyMemory<byte> ReportData { get; init; }

    public required TcbStatus TcbStatus { get; init; }

    /// <summary>Intel SA / AMD advisory ids that apply to the platform's TCB level.</summary>
    public IReadOnlyList<string> AdvisoryIds { get; init; } = [];

    /// <summary>True when the TD / enclave / guest runs in debug mode (its memory is readable by the host).</summary>
    public required bool Debug { get; init; }

    /// <summary>Platform identifiers, e.g. "fmspc", "pceid", "chip_id", "processor_family".</summary>
    public IReadOnlyDictionary<string, string> PlatformIds { get; init; } = new Dictionary<string, string>();

    /// <summary>TDX registers; set for <see cref="TeeType.Tdx"/> and <see cref="TeeType.AzureTdx"/> raw evidence.</summary>
    public TdxMeasurements? Tdx { get; init; }

    /// <summary>SGX enclave identity and attributes; set for <see cref="TeeType.Sgx"/> evidence.</summary>
    public SgxMeasurements? Sgx { get; init; }

    /// <summary>SNP report fields; set for <see cref="TeeType.SevSnp"/> and <see cref="TeeType.AzureSevSnp"/> raw evidence.</summary>
    public SnpMeasurements? Snp { get; init; }

    /// <summary>vTPM PCRs and claims; set for Azure evidence.</summary>
    public AzureVtpmClaims? Azure { get; init; }
}
