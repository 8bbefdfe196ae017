namespace Kms.Grains.Registry;

/// <summary>
/// Headers of the Go registry's direct-evidence mode (Orleans.Kms only; docs/registry-compat.md): an instance without an
/// attested-TLS proxy sends its own evidence with <c>POST /api/attested/secrets/{contract}</c>, whose report data is the
/// native certificate binding <c>challenge ‖ SHA-256("Orleans.Kms release binding v1" ‖ 0 ‖ instance id ‖ "csr" ‖ 0 ‖
/// CSR SubjectPublicKeyInfo)</c>; the challenge comes from <c>POST /v1/namespaces/0x{contract}/challenges</c>.
/// </summary>
public static class RegistryEvidenceHeaders
{
    /// <summary>The verifier: "tdx-dcap", "sev-snp", "azure-cvm", or "dev" against a <c>--dev</c> silo.</summary>
    public const string EvidenceType = "X-Kms-Evidence-Type";

    /// <summary>The evidence, standard base64.</summary>
    public const string Evidence = "X-Kms-Evidence";

    /// <summary>The challenge, 64 hex characters.</summary>
    public const string Challenge = "X-Kms-Challenge";

    /// <summary>The instance id, 64 hex characters.</summary>
    public const string InstanceId = "X-Kms-Instance-Id";

    /// <summary>The trusted proxy's attestation type header.</summary>
    public const string FlashbotsAttestationType = "X-Flashbots-Attestation-Type";

    /// <summary>The trusted proxy's measurement header.</summary>
    public const string FlashbotsMeasurement = "X-Flashbots-Measurement";
}
