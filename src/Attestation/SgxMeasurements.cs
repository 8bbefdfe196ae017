namespace Kms.Attestation;

/// <summary>
/// The identity and attributes of an SGX enclave, from the report body of its quote. MRENCLAVE and MRSIGNER are the
/// enclave identity Oasis' key-manager policy names (<c>EnclaveIdentity { mr_enclave, mr_signer }</c>).
/// </summary>
public sealed record SgxMeasurements
{
    /// <summary>MRENCLAVE: the measurement of the enclave's initial contents (32 bytes).</summary>
    public required ReadOnlyMemory<byte> MrEnclave { get; init; }

    /// <summary>MRSIGNER: SHA-256 of the enclave signer's public key modulus (32 bytes).</summary>
    public required ReadOnlyMemory<byte> MrSigner { get; init; }

    /// <summary>ISVPRODID: the product id the signer gave the enclave.</summary>
    public required ushort IsvProdId { get; init; }

    /// <summary>ISVSVN: the security version the signer gave the enclave.</summary>
    public required ushort IsvSvn { get; init; }

    /// <summary>ATTRIBUTES (16 bytes): FLAGS (8 bytes, little endian; bit 1 = DEBUG) then XFRM (8 bytes).</summary>
    public required ReadOnlyMemory<byte> Attributes { get; init; }

    /// <summary>MISCSELECT.</summary>
    public required uint MiscSelect { get; init; }

    /// <summary>CPUSVN of the platform the enclave runs on (16 bytes).</summary>
    public required ReadOnlyMemory<byte> CpuSvn { get; init; }

    /// <summary>CONFIGID (64 bytes); zero unless the enclave was launched with key separation and sharing (KSS).</summary>
    public required ReadOnlyMemory<byte> ConfigId { get; init; }

    /// <summary>CONFIGSVN; zero unless the enclave was launched with KSS.</summary>
    public required ushort ConfigSvn { get; init; }

    /// <summary>ISVEXTPRODID (16 bytes); zero unless the enclave uses KSS.</summary>
    public required ReadOnlyMemory<byte> IsvExtProdId { get; init; }

    /// <summary>ISVFAMILYID (16 bytes); zero unless the enclave uses KSS.</summary>
    public required ReadOnlyMemory<byte> IsvFamilyId { get; init; }
}
