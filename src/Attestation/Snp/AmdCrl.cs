using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.X509;

namespace Kms.Attestation.Snp;

/// <summary>
/// An AMD KDS certificate revocation list (<c>GET /vcek/v1/{family}/crl</c>, <c>/vlek/v1/{family}/crl</c>): DER, issued
/// and signed by the family's ARK with RSASSA-PSS (SHA-384, MGF1-SHA-384, salt 48), listing revoked ASKs / ASVKs.
/// </summary>
internal static class AmdCrl
{
    /// <summary>Parses <paramref name="der"/> and verifies that <paramref name="ark"/> issued and signed it.</summary>
    public static CertificateRevocationList VerifyAndParse(ReadOnlyMemory<byte> der, AmdCertificate ark)
    {
        ReadOnlyMemory<byte> tbs;
        byte[] signature;
        try
        {
            AsnReader outer = new(der, AsnEncodingRules.DER);
            AsnReader certList = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            tbs = certList.ReadEncodedValue();
            ReadOnlyMemory<byte> outerAlgorithm = certList.PeekEncodedValue();
            AsnReader tbsReader = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
            if (tbsReader.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbsReader.ReadInteger();
            }

            if (!tbsReader.ReadEncodedValue().Span.SequenceEqual(outerAlgorithm.Span))
            {
                // RFC 5280 5.1.1.2: the unsigned outer algorithm must equal the signed one.
                throw new AttestationException(AttestationFailureKind.BadSignature, "The AMD CRL's outer and signed signature algorithms differ.");
            }

            AsnReader algorithm = certList.ReadSequence();
            string oid = algorithm.ReadObjectIdentifier();
            if (oid != AmdCertificate.RsaPssOid)
            {
                throw new AttestationException(AttestationFailureKind.BadSignature, $"AMD CRLs are signed with RSASSA-PSS; found signature algorithm {oid}.");
            }

            AmdCertificate.ValidatePssParameters(algorithm.ReadSequence());
            algorithm.ThrowIfNotEmpty();
            signature = certList.ReadBitString(out int unusedBits);
            certList.ThrowIfNotEmpty();
            if (unusedBits != 0)
            {
                throw new AttestationException(AttestationFailureKind.BadSignature, "The AMD CRL signature bit string has unused bits.");
            }
        }
        catch (AsnContentException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The AMD CRL is not valid DER.", ex);
        }

        CertificateRevocationList crl = CertificateRevocationList.Parse(der);
        if (!crl.IssuerName.Span.SequenceEqual(ark.Certificate.SubjectName.RawData))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, $"The AMD CRL is not issued by {ark.SubjectCommonName}.");
        }

        using RSA? key = ark.Certificate.GetRSAPublicKey();
        if (key is null || !key.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, $"The AMD CRL signature does not verify with the {ark.SubjectCommonName} key.");
        }

        return crl;
    }
}
