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
public sealed record ParsedCertificateRequest
{
    /// <summary>The DER of the whole request.</summary>
    public required ReadOnlyMemory<byte> Der { get; init; }

    /// <summary>The requested subject.</summary>
    public required X500DistinguishedName Subject { get; init; }

    /// <summary>The subject's RDNs in encoding order (multi-valued RDNs are rejected by the parser).</summary>
    public required IReadOnlyList<CsrSubjectAttribute> SubjectAttributes { get; init; }

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
    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

    /// <summary>The public key's algorithm.</summary>
    public required CsrKeyAlgorithm KeyAlgorithm { get; init; }

    /// <summary>The public key size in bits (curve size or RSA modulus size).</summary>
    public required int KeySizeInBits { get; init; }

    /// <summary>The requested DNS subject alternative names, in request order.</summary>
    public required IReadOnlyList<string> DnsNames { get; init; }

    /// <summary>The requested IP address subject alternative names.</summary>
    public required IReadOnlyList<IPAddress> IpAddresses { get; init; }

    /// <summary>Descriptions of requested SAN entries of other types (e-mail, URI, ...), which policy decides on.</summary>
    public required IReadOnlyList<string> OtherSubjectAltNames { get; init; }

    /// <summary>All requested extensions, in request order.</summary>
    public required IReadOnlyList<CsrExtension> Extensions { get; init; }

    /// <summary>
    /// The raw extnValue of the operator-signature extension (OID 1.3.6.1.4.1.66704.98670.17), expected to be the
    /// 65-byte secp256k1 signature R ‖ S ‖ V; null when absent. Not verified here: see <see cref="CsrOperatorSignature"/>.
    /// </summary>
    public ReadOnlyMemory<byte>? OperatorSignature { get; init; }
}
