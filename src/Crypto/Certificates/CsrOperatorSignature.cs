using Kms.Crypto.Ethereum;

namespace Kms.Crypto.Certificates;

/// <summary>
/// The operator signature that the Go TEE registry system carries in a CSR (extension
/// <see cref="OperatorSignature.ExtensionOid"/>, seeds-protocols §1.5): the extension's extnValue OCTET STRING holds the
/// raw 65-byte secp256k1 signature R ‖ S ‖ V (V ∈ {0, 1}) — not a nested DER OCTET STRING — over SHA-256 of the Go
/// <c>PUBLIC KEY</c> PEM of the request's SubjectPublicKeyInfo.
/// </summary>
/// <remarks>
/// Recovery only says which key signed the request's public key; whether that operator may act is a governance
/// decision (the contract's <c>IdentityAllowed(identity, operator)</c>).
/// </remarks>
public static class CsrOperatorSignature
{
    /// <summary>Recovers the operator address that signed the request's public key.</summary>
    /// <param name="request">A request from <see cref="CertificateRequestParser"/> (its self-signature is verified).</param>
    /// <returns>
    /// The operator address, or null when the request carries no operator-signature extension (the Go system then
    /// proceeds with the zero address).
    /// </returns>
    /// <exception cref="CertificateRequestException">
    /// The extension is present but is not a 65-byte R ‖ S ‖ V signature with V ∈ {0, 1} that recovers to a public key
    /// (the Go system answers such a request with 400 "operator signature verification error").
    /// </exception>
    public static EthereumAddress? RecoverOperator(ParsedCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.OperatorSignature is not { } signature)
        {
            return null;
        }

        try
        {
            return OperatorSignature.RecoverOperator(request.SubjectPublicKeyInfo.Span, signature.Span);
        }
        catch (Secp256k1Exception e)
        {
            throw new CertificateRequestException("The operator signature extension does not hold a valid operator signature.", e);
        }
    }

    /// <summary>
    /// Whether the request carries an operator signature that recovers to <paramref name="expectedOperator"/>.
    /// False when the extension is absent or malformed.
    /// </summary>
    public static bool IsSignedBy(ParsedCertificateRequest request, EthereumAddress expectedOperator)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.OperatorSignature is { } signature
            && OperatorSignature.Verify(request.SubjectPublicKeyInfo.Span, signature.Span, expectedOperator);
    }
}
