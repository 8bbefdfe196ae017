using System.Text;
using Kms.Attestation;
using Kms.Attestation.ProxyHeaders;
using Kms.Crypto.Certificates;
using Kms.Crypto.Ethereum;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Registry;

namespace Kms.Grains.Release;

/// <summary>A registry request step that failed, with the Go handler's status and message.</summary>
internal sealed class RegistryStepException(RegistryOutcome outcome, string message) : Exception(message)
{
    public RegistryOutcome Outcome { get; } = outcome;
}

/// <summary>
/// Parses what a Go registry request carries, in the Go handler's order and with its messages
/// (<c>could not parse identity from request: …</c>): the proxy's measurement headers, the PEM CSR and its optional
/// operator signature.
/// </summary>
internal static class RegistryClaims
{
    private const string ParsePrefix = "could not parse identity from request: ";

    /// <summary>The workload a trusted attested-TLS proxy vouched for.</summary>
    public static VerifiedWorkload FromProxy(RegistryClaim claim, RegistryFrontEndOptions options)
    {
        ProxyMeasurements measurements;
        try
        {
            measurements = FlashbotsMeasurementHeaders.Parse(
                claim.ProxyAttestationType, claim.ProxyMeasurements, new TrustedProxyOptions { TrustAttestedProxy = options.TrustAttestedProxy });
        }
        catch (AttestationException exception)
        {
            string hint = options.TrustAttestedProxy ? string.Empty : " Send the instance's own evidence (X-Kms-Evidence-Type, X-Kms-Evidence, X-Kms-Challenge, X-Kms-Instance-Id) instead.";
            throw BadRequest("invalid measurements: " + exception.Message + hint);
        }

        var registers = new Dictionary<string, string>(StringComparer.Ordinal);
        string tee;
        if (measurements.AttestationType == FlashbotsMeasurementHeaders.QemuTdx)
        {
            tee = "tdx";
            registers["mrtd"] = Convert.ToHexStringLower(measurements.MrTd!.Value.Span);
            for (int i = 0; i < measurements.Rtmrs.Count; i++)
            {
                registers["rtmr" + i] = Convert.ToHexStringLower(measurements.Rtmrs[i].Span);
            }
        }
        else
        {
            tee = "azure-tdx";
            foreach ((int index, ReadOnlyMemory<byte> value) in measurements.Pcrs)
            {
                registers["pcr" + index] = Convert.ToHexStringLower(value.Span);
            }
        }

        // The proxy verified the quote; its headers carry neither a debug flag nor a TCB status, which the namespace
        // policy sees as "ProxyAttested" (an admin removes it from the policy to refuse such instances).
        return new VerifiedWorkload(
            "flashbots-proxy:" + measurements.AttestationType, tee, false, RegistryFrontEndOptions.ProxyAttestedTcbStatus, [], registers, []);
    }

    /// <summary>The workload's contract identity (400 <c>identity computation error</c> when its registers do not give one).</summary>
    public static string Identity(VerifiedWorkload workload, EthereumAddress contract)
    {
        try
        {
            return ContractIdentity.Compute(workload, contract);
        }
        catch (KmsException exception)
        {
            throw BadRequest("identity computation error: " + exception.Message);
        }
    }

    /// <summary>Parses and verifies the PEM CSR (400 <c>csr parsing error</c>).</summary>
    public static ParsedCertificateRequest Csr(byte[] pem)
    {
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(pem);
            return CertificateRequestParser.ParsePem(text);
        }
        catch (Exception exception) when (exception is CertificateRequestException or DecoderFallbackException or ArgumentException)
        {
            throw BadRequest("csr parsing error: " + exception.Message);
        }
    }

    /// <summary>The operator that signed the CSR's key, or the zero address without the extension (400 when it does not recover).</summary>
    public static EthereumAddress Operator(ParsedCertificateRequest csr)
    {
        try
        {
            return CsrOperatorSignature.RecoverOperator(csr) ?? EthereumAddress.Zero;
        }
        catch (CertificateRequestException exception)
        {
            throw BadRequest("operator signature verification error: " + exception.Message);
        }
    }

    /// <summary>Checks the shape of direct evidence (400 <c>invalid evidence</c>).</summary>
    public static void RequireEvidenceShape(RegistryClaim claim)
    {
        if (claim.Evidence is not { } evidence || string.IsNullOrEmpty(evidence.EvidenceType) || evidence.Evidence is not { Length: > 0 })
        {
            throw BadRequest("invalid evidence: X-Kms-Evidence-Type and X-Kms-Evidence are both required.");
        }

        if (claim.Challenge is not { Length: 32 } || claim.InstanceId is not { Length: 32 })
        {
            throw BadRequest("invalid evidence: X-Kms-Challenge and X-Kms-Instance-Id are 64 hex characters each.");
        }
    }

    public static RegistryStepException BadRequest(string detail) => new(RegistryOutcome.BadRequest, ParsePrefix + detail);
}
