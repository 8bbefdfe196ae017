using Kms.Crypto.Release;

namespace Kms.Client.Registry;

/// <summary>
/// The Go TEE registry's <c>AppSecrets</c> (seeds-protocols §1.5): the app key (<c>EC PRIVATE KEY</c> PEM), the TLS
/// certificate (PEM) signed by the application CA, the KMS operator address and the KMS's own evidence.
/// </summary>
/// <param name="AppPrivateKeyPem">PEM bytes of the P-256 app key (SEC1).</param>
/// <param name="TlsCertificatePem">PEM bytes of the instance certificate.</param>
/// <param name="Operator">The KMS operator address (20 bytes).</param>
/// <param name="Attestation">The KMS's evidence; its report data is <see cref="ReportData"/>.</param>
public sealed record AppSecrets(byte[] AppPrivateKeyPem, byte[] TlsCertificatePem, byte[] Operator, byte[] Attestation)
{
    /// <summary>The report data the KMS's evidence must carry for this answer to <paramref name="contract"/> (20 bytes).</summary>
    public byte[] ReportData(ReadOnlySpan<byte> contract) => RegistryReportData.AppSecrets(contract, Operator, TlsCertificatePem, AppPrivateKeyPem);
}

/// <summary>The Go TEE registry's <c>PKIResponse</c> (§1.7).</summary>
/// <param name="CaCertificatePem">PEM bytes of the application CA certificate.</param>
/// <param name="AppPublicKeyPem">PEM bytes of the app public key (PKIX), for encrypting secrets to the application.</param>
/// <param name="Attestation">The KMS's evidence; its report data is <see cref="ReportData"/>.</param>
public sealed record AppPki(byte[] CaCertificatePem, byte[] AppPublicKeyPem, byte[] Attestation)
{
    /// <summary>The report data the KMS's evidence must carry for this answer about <paramref name="contract"/>.</summary>
    public byte[] ReportData(ReadOnlySpan<byte> contract) => RegistryReportData.Pki(contract, CaCertificatePem, AppPublicKeyPem);
}

/// <summary>
/// An instance's own evidence for the direct-evidence mode (no attested-TLS proxy): its report data must be
/// <see cref="ReportDataFor"/> of the challenge, instance id and CSR public key.
/// </summary>
/// <param name="EvidenceType">"tdx-dcap", "sev-snp", "azure-cvm" or "dev".</param>
/// <param name="Evidence">The raw evidence.</param>
/// <param name="Challenge">32 bytes from <c>POST /v1/namespaces/0x{contract}/challenges</c>.</param>
/// <param name="InstanceId">32 bytes naming the instance.</param>
public sealed record RegistryEvidence(string EvidenceType, byte[] Evidence, byte[] Challenge, byte[] InstanceId)
{
    /// <summary>The report data the evidence must bind.</summary>
    public static byte[] ReportDataFor(ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> instanceId, ReadOnlySpan<byte> csrSubjectPublicKeyInfo) =>
        ReleaseBinding.ReportData(challenge, instanceId, "csr", csrSubjectPublicKeyInfo);
}

/// <summary>The KMS answered with an error status; <see cref="Exception.Message"/> is the Go client's wording.</summary>
public sealed class RegistryClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryClientException(int statusCode, string body, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The response body (the server's plain-text message).</summary>
    public string Body { get; }
}

/// <summary>The KMS's evidence does not bind the answer (or the caller's verifier refused it).</summary>
public sealed class RegistryAttestationException(string message) : Exception(message);
