namespace Kms.Attestation.Providers;

/// <summary>
/// Produces attestation evidence of the TEE this process runs in, binding report data the caller chose (a challenge,
/// a hash of a public key). Workloads use it to prove themselves to the KMS; silos use it to prove themselves to
/// workloads and to each other.
/// </summary>
public interface IEvidenceProvider
{
    /// <summary>The evidence type the KMS verifies it with ("tdx-dcap", "sev-snp", "azure-cvm", "dev").</summary>
    string EvidenceType { get; }

    /// <summary>Evidence whose report data is <paramref name="reportData"/> (1 to 64 bytes; shorter is zero-padded by
    /// TEEs that have a fixed 64-byte field).</summary>
    /// <exception cref="AttestationException">The evidence the TEE produced is malformed.</exception>
    /// <exception cref="EvidenceProviderException">The TEE could not produce evidence (interface missing, another TEE,
    /// concurrent use, empty or oversized output, not supported).</exception>
    Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default);
}
