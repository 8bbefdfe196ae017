using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Kms.Attestation.X509;

/// <summary>
/// Verifies the outer signature of a DER certificate or CRL (both are SEQUENCE { tbs, algorithm, BIT STRING }).
/// Intel's and AMD's PKIs sign with ECDSA; only ecdsa-with-SHA256/384 are accepted.
/// </summary>
internal static class SignedDer
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";

    /// <summary>True when <paramref name="der"/> carries a valid ECDSA signature by <paramref name="issuerKey"/>.</summary>
    public static bool IsSignedBy(ReadOnlyMemory<byte> der, ECDsa issuerKey)
    {
        ReadOnlyMemory<byte> tbs;
        HashAlgorithmName hash;
        byte[] signature;
        try
        {
            AsnReader outer = new(der, AsnEncodingRules.DER);
            AsnReader seq = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            tbs = seq.ReadEncodedValue();
            AsnReader alg = seq.ReadSequence();
            string oid = alg.ReadObjectIdentifier();
            hash = oid switch
            {
                EcdsaWithSha256 => HashAlgorithmName.SHA256,
                EcdsaWithSha384 => HashAlgorithmName.SHA384,
                _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Signature algorithm {oid} is not supported (ECDSA with SHA-256/384 is)."),
            };
            signature = seq.ReadBitString(out int unused);
            seq.ThrowIfNotEmpty();
            if (unused != 0)
            {
                return false;
            }
        }
        catch (AsnContentException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "A certificate or CRL is not valid DER.", ex);
        }

        return issuerKey.VerifyData(tbs.Span, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }
}
