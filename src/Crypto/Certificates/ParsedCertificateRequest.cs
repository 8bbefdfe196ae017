using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Crypto.Certificates;

/// <summary>The public-key algorithms accepted in certificate signing requests.</summary>
public enum CsrKeyAlgorithm
{
    /// <summary>ECDSA on NIST P-256.</summary>
    EcdsaP256,

    /// <summary>ECDSA on NIST P-384.</summary>
    EcdsaP384,

    /// <summary>RSA with a modulus of at least 2048 bits.</summary>
    Rsa,
}

/// <summary>One extension requested in the CSR's PKCS#9 extensionRequest attribute.</summary>
/// <param name="Oid">Dotted extension OID.</param>
/// <param name="Critical">The criticality flag as requested.</param>
/// <param name="Value">The raw extnValue contents (the bytes inside the OCTET STRING).</param>
public sealed record CsrExtension(string Oid, bool Critical, ReadOnlyMemory<byte> Value);

/// <summary>One single-valued RDN of the requested subject.</summary>
/// <param name="Oid">The attribute type (2.5.4.3 is the common name).</param>
/// <param name="Value">The value when it is a directory string; null for other value types.</param>
public sealed record CsrSubjectAttribute(string Oid, string? Value);

/// <summary>A parsed certificate signing request whose self-signature has been verified.</summary>
/// <remarks>
/// Only <see cref="CertificateRequestParser"/> creates instances, and nothing can change one afterwards (no public
/// constructor, no setters, so no <c>with</c> either): issuance and operator-signature recovery rely on the public key
/// being the one whose signature the parser verified.
/// </remarks>
public sealed record ParsedCertificateRequest
{
    internal ParsedCertificateRequest(
        ReadOnlyMemory<byte> der,
        X500DistinguishedName subject,
        IReadOnlyList<CsrSubjectAttribute> subjectAttributes,
        ReadOnlyMemory<byte> subjectPublicKeyInfo,
        CsrKeyAlgorithm keyAlgorithm,
        int keySizeInBits,
        IReadOnlyList<string> dnsNames,
        IReadOnlyList<IPAddress> ipAddresses,
        IReadOnlyList<string> otherSubjectAltNames,
        IReadOnlyList<CsrExtension> extensions,
        ReadOnlyMemory<byte>? operatorSignature)
    {
        Der = der;
        Subject = subject;
        SubjectAttributes = subjectAttributes;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyAlgorithm = keyAlgorithm;
        KeySizeInBits = keySizeInBits;
        DnsNames = dnsNames;
        IpAddresses = ipAddresses;
        OtherSubjectAltNames = otherSubjectAltNames;
        Extensions = extensions;
        OperatorSignature = operatorSignature;
    }

    /// <summary>The DER of the whole request.</summary>
    public ReadOnlyMemory<byte> Der { get; }

    /// <summary>The requested subject.</summary>
    public X500DistinguishedName Subject { get; }

    /// <summary>The subject's RDNs in encoding order (multi-valued RDNs are rejected by the parser).</summary>
    public IReadOnlyList<CsrSubjectAttribute> SubjectAttributes { get; }

    /// <summary>The common name when exactly one CN attribute is present; otherwise null.</summary>
    public string? CommonName
    {
        get
        {
            string? found = null;
            int count = 0;
            foreach (CsrSubjectAttribute attribute in SubjectAttributes)
            {
                if (attribute.Oid == "2.5.4.3")
                {
                    found = attribute.Value;
                    count++;
                }
            }

            return count == 1 ? found : null;
        }
    }

    /// <summary>The DER SubjectPublicKeyInfo (the input of the operator-signature check, see seeds-protocols §1.5).</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>The public key's algorithm.</summary>
    public CsrKeyAlgorithm KeyAlgorithm { get; }

    /// <summary>The public key size in bits (curve size or RSA modulus size).</summary>
    public int KeySizeInBits { get; }

    /// <summary>The requested DNS subject alternative names, in request order.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>The requested IP address subject alternative names.</summary>
    public IReadOnlyList<IPAddress> IpAddresses { get; }

    /// <summary>Descriptions of requested SAN entries of other types (e-mail, URI, ...), which policy decides on.</summary>
    public IReadOnlyList<string> OtherSubjectAltNames { get; }

    /// <summary>All requested extensions, in request order.</summary>
    public IReadOnlyList<CsrExtension> Extensions { get; }

    /// <summary>
    /// The raw extnValue of the operator-signature extension (OID 1.3.6.1.4.1.66704.98670.17), expected to be the
    /// 65-byte secp256k1 signature R ‖ S ‖ V; null when absent. Not verified here: see <see cref="CsrOperatorSignature"/>.
    /// </summary>
    public ReadOnlyMemory<byte>? OperatorSignature { get; }
}
