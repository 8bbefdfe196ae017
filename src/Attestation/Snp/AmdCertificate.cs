using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Attestation.Snp;

/// <summary>
/// An AMD KDS certificate split into the parts that chain checking needs. AMD signs ASKs, ASVKs, VCEKs and VLEKs
/// with RSASSA-PSS (SHA-384, MGF1-SHA-384, salt 48); this type verifies exactly that and nothing else.
/// </summary>
internal sealed class AmdCertificate
{
    internal const string RsaPssOid = "1.2.840.113549.1.1.10";
    private const string Sha384Oid = "2.16.840.1.101.3.4.2.2";
    private const string Mgf1Oid = "1.2.840.113549.1.1.8";

    private AmdCertificate(X509Certificate2 certificate, byte[] tbs, byte[] signature, byte[] der)
    {
        Certificate = certificate;
        Tbs = tbs;
        Signature = signature;
        Der = der;
        Fingerprint = SHA256.HashData(der);
    }

    public X509Certificate2 Certificate { get; }

    public byte[] Tbs { get; }

    public byte[] Signature { get; }

    public byte[] Der { get; }

    /// <summary>SHA-256 of the DER encoding.</summary>
    public byte[] Fingerprint { get; }

    public string SubjectCommonName => Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    public string IssuerCommonName => Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: true);

    public static AmdCertificate FromPem(string pem) => FromDer(DecodePem(pem));

    /// <summary>Parses a DER certificate whose signature must be RSASSA-PSS with SHA-384. Malformed input → <see cref="AttestationFailureKind.UntrustedChain"/>.</summary>
    public static AmdCertificate FromDer(ReadOnlySpan<byte> der)
    {
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            AsnReader certificate = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            byte[] tbs = certificate.ReadEncodedValue().ToArray();
            ReadOnlyMemory<byte> outerAlgorithm = certificate.PeekEncodedValue();
            if (!outerAlgorithm.Span.SequenceEqual(InnerSignatureAlgorithm(tbs).Span))
            {
                // RFC 5280 4.1.1.2: the unsigned outer algorithm must equal the signed one inside the TBS.
                throw new AttestationException(AttestationFailureKind.UntrustedChain, "The certificate's outer and signed signature algorithms differ.");
            }

            AsnReader algorithm = certificate.ReadSequence();
            string oid = algorithm.ReadObjectIdentifier();
            if (oid != RsaPssOid)
            {
                throw new AttestationException(AttestationFailureKind.UntrustedChain, $"AMD certificates are signed with RSASSA-PSS; found signature algorithm {oid}.");
            }

            ValidatePssParameters(algorithm.ReadSequence());
            algorithm.ThrowIfNotEmpty();
            byte[] signature = certificate.ReadBitString(out int unusedBits);
            if (unusedBits != 0)
            {
                throw new AttestationException(AttestationFailureKind.UntrustedChain, "The certificate signature bit string has unused bits.");
            }

            certificate.ThrowIfNotEmpty();
            byte[] copy = der.ToArray();
            return new AmdCertificate(X509CertificateLoader.LoadCertificate(copy), tbs, signature, copy);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "An AMD certificate does not parse as DER X.509.", e);
        }
    }

    /// <summary>True when <paramref name="issuer"/>'s RSA key signed this certificate and the names chain.</summary>
    public bool IsSignedBy(AmdCertificate issuer)
    {
        if (!Certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.Certificate.SubjectName.RawData))
        {
            return false;
        }

        using RSA? key = issuer.Certificate.GetRSAPublicKey();
        return key is not null && key.VerifyData(Tbs, Signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
    }

    /// <summary>Throws <see cref="AttestationFailureKind.ExpiredCollateral"/> when <paramref name="now"/> is outside the validity window.</summary>
    public void RequireValidAt(DateTimeOffset now, string role)
    {
        if (now < Certificate.NotBefore.ToUniversalTime() || now > Certificate.NotAfter.ToUniversalTime())
        {
            throw new AttestationException(
                AttestationFailureKind.ExpiredCollateral,
                $"The {role} certificate ({SubjectCommonName}) is valid from {Certificate.NotBefore.ToUniversalTime():O} to {Certificate.NotAfter.ToUniversalTime():O}, not at {now.UtcDateTime:O}.");
        }
    }

    private static ReadOnlyMemory<byte> InnerSignatureAlgorithm(byte[] tbs)
    {
        AsnReader reader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (reader.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            reader.ReadEncodedValue(); // version
        }

        reader.ReadEncodedValue(); // serialNumber
        return reader.ReadEncodedValue();
    }

    private static byte[] DecodePem(string pem)
    {
        PemFields fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    /// <summary>Requires RSASSA-PSS parameters SHA-384, MGF1-SHA-384, salt 48 (AMD's certificates and CRLs).</summary>
    internal static void ValidatePssParameters(AsnReader parameters)
    {
        // RSASSA-PSS-params: hashAlgorithm [0], maskGenAlgorithm [1], saltLength [2], trailerField [3] (optional).
        AsnReader hash = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        RequireOid(hash.ReadObjectIdentifier(), Sha384Oid, "PSS hash");
        AsnReader mgf = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1)).ReadSequence();
        RequireOid(mgf.ReadObjectIdentifier(), Mgf1Oid, "PSS mask generation function");
        AsnReader mgfHash = mgf.ReadSequence();
        RequireOid(mgfHash.ReadObjectIdentifier(), Sha384Oid, "MGF1 hash");
        AsnReader salt = parameters.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        if (!salt.TryReadInt32(out int saltLength) || saltLength != 48)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "AMD certificates use a PSS salt of 48 bytes.");
        }
    }

    private static void RequireOid(string actual, string expected, string what)
    {
        if (actual != expected)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"Unexpected {what} {actual} in an AMD certificate signature.");
        }
    }
}
