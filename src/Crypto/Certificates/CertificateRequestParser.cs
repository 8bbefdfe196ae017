using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Crypto.Pem;

namespace Kms.Crypto.Certificates;

/// <summary>
/// Strict PKCS#10 (RFC 2986) parser: exactly one <c>CERTIFICATE REQUEST</c> PEM block, DER only, version 0,
/// keys ECDSA P-256/P-384 or RSA 2048–16384 bits, signatures ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512,
/// a verified self-signature, and no unknown critical extension in the extensionRequest attribute.
/// </summary>
public static class CertificateRequestParser
{
    /// <summary>Default bound on the PEM text (a 16384-bit RSA CSR with many SANs stays far below).</summary>
    public const int DefaultMaxPemLength = 32 * 1024;

    /// <summary>The operator-signature extension of the Go TEE registry system.</summary>
    public const string OperatorSignatureOid = Ethereum.OperatorSignature.ExtensionOid;

    private const string ExtensionRequestOid = "1.2.840.113549.1.9.14";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string BasicConstraintsOid = "2.5.29.19";

    // Extensions we understand well enough to accept as critical: we either evaluate them (SAN, basic constraints)
    // or replace them with our own values in the issued certificate (key usage, EKU, SKI).
    private static readonly HashSet<string> s_understoodExtensions =
    [
        SubjectAltNameOid, BasicConstraintsOid, "2.5.29.15", "2.5.29.37", "2.5.29.14", OperatorSignatureOid,
    ];

    /// <summary>Parses and verifies a PEM CSR.</summary>
    /// <exception cref="CertificateRequestException">Anything is wrong with the request.</exception>
    public static ParsedCertificateRequest ParsePem(string pem, int maxPemLength = DefaultMaxPemLength)
    {
        ArgumentNullException.ThrowIfNull(pem);
        byte[] der;
        try
        {
            der = StrictPem.DecodeSingle(pem, "CERTIFICATE REQUEST", maxPemLength);
        }
        catch (PemFormatException e)
        {
            throw new CertificateRequestException(e.Message, e);
        }

        return ParseDer(der);
    }

    /// <summary>Parses and verifies a DER CSR.</summary>
    /// <exception cref="CertificateRequestException">Anything is wrong with the request.</exception>
    public static ParsedCertificateRequest ParseDer(ReadOnlySpan<byte> der)
    {
        byte[] copy = der.ToArray();
        try
        {
            return Parse(copy);
        }
        catch (AsnContentException e)
        {
            throw new CertificateRequestException("The certificate request is not valid DER.", e);
        }
        catch (CryptographicException e) when (e is not CertificateRequestException)
        {
            throw new CertificateRequestException("The certificate request could not be decoded.", e);
        }
    }

    private static ParsedCertificateRequest Parse(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader request = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        ReadOnlyMemory<byte> requestInfoDer = request.ReadEncodedValue();
        (string signatureOid, bool nullParameters) = ReadAlgorithmIdentifier(request);
        byte[] signature = request.ReadBitString(out int unusedBits);
        request.ThrowIfNotEmpty();
        if (unusedBits != 0)
        {
            throw new CertificateRequestException("The signature BIT STRING has unused bits.");
        }

        var info = new AsnReader(requestInfoDer, AsnEncodingRules.DER).ReadSequence();
        if (!info.TryReadInt32(out int version) || version != 0)
        {
            throw new CertificateRequestException("Only PKCS#10 version 1 (0) requests are accepted.");
        }

        ReadOnlyMemory<byte> subjectDer = info.ReadEncodedValue();
        ReadOnlyMemory<byte> spki = info.ReadEncodedValue();
        var attributes = info.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        info.ThrowIfNotEmpty();

        var subject = new X500DistinguishedName(subjectDer.Span);
        List<CsrSubjectAttribute> subjectAttributes = ReadSubject(subject);
        (CsrKeyAlgorithm keyAlgorithm, int keySize) = VerifySignature(spki, requestInfoDer, signatureOid, nullParameters, signature);
        List<CsrExtension> extensions = ReadExtensionRequest(attributes);

        var dnsNames = new List<string>();
        var ipAddresses = new List<IPAddress>();
        var otherNames = new List<string>();
        ReadOnlyMemory<byte>? operatorSignature = null;
        foreach (CsrExtension extension in extensions)
        {
            switch (extension.Oid)
            {
                case SubjectAltNameOid:
                    ReadSubjectAltNames(extension.Value, dnsNames, ipAddresses, otherNames);
                    break;
                case BasicConstraintsOid:
                    var constraints = new X509BasicConstraintsExtension(new AsnEncodedData(extension.Oid, extension.Value.Span), extension.Critical);
                    if (constraints.CertificateAuthority)
                    {
                        throw new CertificateRequestException("The request asks for a CA certificate.");
                    }

                    break;
                case OperatorSignatureOid:
                    operatorSignature = extension.Value;
                    break;
                default:
                    if (extension.Critical && !s_understoodExtensions.Contains(extension.Oid))
                    {
                        throw new CertificateRequestException($"The request carries the unknown critical extension {extension.Oid}.");
                    }

                    break;
            }
        }

        return new ParsedCertificateRequest(
            der: der,
            subject: subject,
            subjectAttributes: subjectAttributes,
            subjectPublicKeyInfo: spki.ToArray(),
            keyAlgorithm: keyAlgorithm,
            keySizeInBits: keySize,
            dnsNames: dnsNames,
            ipAddresses: ipAddresses,
            otherSubjectAltNames: otherNames,
            extensions: extensions,
            operatorSignature: operatorSignature);
    }

    private static List<CsrSubjectAttribute> ReadSubject(X500DistinguishedName subject)
    {
        var attributes = new List<CsrSubjectAttribute>();
        foreach (X500RelativeDistinguishedName rdn in subject.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (rdn.HasMultipleElements)
            {
                throw new CertificateRequestException("Multi-valued RDNs in the subject are not accepted.");
            }

            string oid = rdn.GetSingleElementType().Value
                ?? throw new CertificateRequestException("A subject attribute has no type.");
            attributes.Add(new CsrSubjectAttribute(oid, rdn.GetSingleElementValue()));
        }

        return attributes;
    }

    private static (string Oid, bool NullParameters) ReadAlgorithmIdentifier(AsnReader reader)
    {
        AsnReader algorithm = reader.ReadSequence();
        string oid = algorithm.ReadObjectIdentifier();
        bool nullParameters = false;
        if (algorithm.HasData)
        {
            if (algorithm.PeekTag() == Asn1Tag.Null)
            {
                algorithm.ReadNull();
                nullParameters = true;
            }
            else if (algorithm.PeekTag() == Asn1Tag.ObjectIdentifier)
            {
                // Only legitimate for the SPKI of EC keys (the named curve); the caller checks.
                string parameter = algorithm.ReadObjectIdentifier();
                algorithm.ThrowIfNotEmpty();
                return (oid + "|" + parameter, false);
            }
            else
            {
                // Structured parameters (RSA-PSS, explicit curves): never accepted.
                algorithm.ReadEncodedValue();
                algorithm.ThrowIfNotEmpty();
                return (oid + "|(parameters)", false);
            }
        }

        algorithm.ThrowIfNotEmpty();
        return (oid, nullParameters);
    }

    private static (CsrKeyAlgorithm, int) VerifySignature(
        ReadOnlyMemory<byte> spki,
        ReadOnlyMemory<byte> signedData,
        string signatureOid,
        bool signatureNullParameters,
        byte[] signature)
    {
        var spkiReader = new AsnReader(spki, AsnEncodingRules.DER).ReadSequence();
        (string keyOid, bool keyNullParameters) = ReadAlgorithmIdentifier(spkiReader);
        spkiReader.ReadBitString(out _);
        spkiReader.ThrowIfNotEmpty();

        if (keyOid == EcPublicKeyOid + "|" + P256Oid || keyOid == EcPublicKeyOid + "|" + P384Oid)
        {
            HashAlgorithmName hash = signatureOid switch
            {
                "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
                "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
                "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
                _ => throw new CertificateRequestException($"The signature algorithm {Describe(signatureOid)} is not accepted for an EC key."),
            };
            if (signatureNullParameters)
            {
                throw new CertificateRequestException("ECDSA signature algorithm identifiers have no parameters.");
            }

            using ECDsa key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki.Span, out int read);
            if (read != spki.Length || !key.VerifyData(signedData.Span, signature, hash, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new CertificateRequestException("The request's self-signature does not verify.");
            }

            return keyOid.EndsWith(P256Oid, StringComparison.Ordinal) ? (CsrKeyAlgorithm.EcdsaP256, 256) : (CsrKeyAlgorithm.EcdsaP384, 384);
        }

        if (keyOid == RsaEncryptionOid && keyNullParameters)
        {
            HashAlgorithmName hash = signatureOid switch
            {
                "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
                "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
                "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
                _ => throw new CertificateRequestException($"The signature algorithm {Describe(signatureOid)} is not accepted for an RSA key."),
            };

            using RSA key = RSA.Create();
            key.ImportSubjectPublicKeyInfo(spki.Span, out int read);
            if (key.KeySize < 2048 || key.KeySize > 16384)
            {
                throw new CertificateRequestException($"RSA keys must have 2048 to 16384 bits; this one has {key.KeySize}.");
            }

            if (read != spki.Length || !key.VerifyData(signedData.Span, signature, hash, RSASignaturePadding.Pkcs1))
            {
                throw new CertificateRequestException("The request's self-signature does not verify.");
            }

            return (CsrKeyAlgorithm.Rsa, key.KeySize);
        }

        throw new CertificateRequestException($"The public key algorithm {Describe(keyOid)} is not accepted (ECDSA P-256/P-384 or RSA only).");
    }

    private static List<CsrExtension> ReadExtensionRequest(AsnReader attributes)
    {
        var extensions = new List<CsrExtension>();
        bool seenExtensionRequest = false;
        while (attributes.HasData)
        {
            AsnReader attribute = attributes.ReadSequence();
            string type = attribute.ReadObjectIdentifier();
            AsnReader values = attribute.ReadSetOf();
            attribute.ThrowIfNotEmpty();
            if (type != ExtensionRequestOid)
            {
                // Other attributes (e.g. challengePassword) have no effect on issuance.
                continue;
            }

            if (seenExtensionRequest)
            {
                throw new CertificateRequestException("The request has more than one extensionRequest attribute.");
            }

            seenExtensionRequest = true;
            AsnReader extensionList = values.ReadSequence();
            values.ThrowIfNotEmpty();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (extensionList.HasData)
            {
                AsnReader extension = extensionList.ReadSequence();
                string oid = extension.ReadObjectIdentifier();
                bool critical = extension.HasData && extension.PeekTag() == Asn1Tag.Boolean && extension.ReadBoolean();
                byte[] value = extension.ReadOctetString();
                extension.ThrowIfNotEmpty();
                if (!seen.Add(oid))
                {
                    throw new CertificateRequestException($"The extension {oid} is requested twice.");
                }

                extensions.Add(new CsrExtension(oid, critical, value));
            }
        }

        return extensions;
    }

    private static void ReadSubjectAltNames(ReadOnlyMemory<byte> value, List<string> dnsNames, List<IPAddress> ipAddresses, List<string> otherNames)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        AsnReader names = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        while (names.HasData)
        {
            Asn1Tag tag = names.PeekTag();
            if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 2 && !tag.IsConstructed)
            {
                dnsNames.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            }
            else if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 7 && !tag.IsConstructed)
            {
                byte[] address = names.ReadOctetString(tag);
                if (address.Length != 4 && address.Length != 16)
                {
                    throw new CertificateRequestException("An IP address SAN is neither 4 nor 16 bytes.");
                }

                ipAddresses.Add(new IPAddress(address));
            }
            else
            {
                names.ReadEncodedValue();
                otherNames.Add($"GeneralName [{tag.TagValue}]");
            }
        }
    }

    private static string Describe(string oid) => oid.Replace('|', ' ');
}
