using System.Security.Cryptography;

namespace Kms.Crypto.Certificates;

/// <summary>
/// A certificate signing request is malformed, uses an unsupported key or signature algorithm, carries an unknown
/// critical extension, or its self-signature does not verify (a client error: HTTP 400).
/// </summary>
public sealed class CertificateRequestException : CryptographicException
{
    /// <summary>Creates the exception with a description of what is wrong with the request.</summary>
    public CertificateRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the lower-level parse failure.</summary>
    public CertificateRequestException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>A well-formed certificate signing request asks for something the issuance policy does not allow (HTTP 403).</summary>
public sealed class CertificatePolicyException : CryptographicException
{
    /// <summary>Creates the exception with the rule that was violated.</summary>
    public CertificatePolicyException(string message)
        : base(message)
    {
    }
}
