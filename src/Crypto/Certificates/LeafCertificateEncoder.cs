using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Crypto.Certificates;

/// <summary>
/// Writes a leaf certificate (RFC 5280) with <see cref="AsnWriter"/> and signs it with ECDSA P-256/SHA-256.
/// </summary>
// Ours for speed: CertificateRequest.Create loads the certificate it built back through OpenSSL, ≈280 µs a leaf on
// the reference machine against ≈36 µs for the signature itself (measured for `registry-load`, see docs/registry-compat.md).
internal static class LeafCertificateEncoder
{
    private const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";
    private static readonly Asn1Tag s_versionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag s_extensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    /// <summary>The signed certificate's DER.</summary>
    /// <param name="serial">A positive, minimally encoded serial number (big endian).</param>
    /// <param name="issuer">The issuer's name (DER).</param>
    /// <param name="notBefore">Start of validity, whole seconds.</param>
    /// <param name="notAfter">End of validity, whole seconds.</param>
    /// <param name="subject">The subject's name (DER).</param>
    /// <param name="subjectPublicKeyInfo">The subject's key (DER SubjectPublicKeyInfo).</param>
    /// <param name="extensions">The extensions, in order.</param>
    /// <param name="issuerKey">The issuer's P-256 key.</param>
    public static byte[] Encode(
        ReadOnlySpan<byte> serial,
        ReadOnlySpan<byte> issuer,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        ReadOnlySpan<byte> subject,
        ReadOnlySpan<byte> subjectPublicKeyInfo,
        IReadOnlyList<X509Extension> extensions,
        ECDsa issuerKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(s_versionTag))
            {
                writer.WriteInteger(2);
            }

            writer.WriteInteger(serial);
            WriteSignatureAlgorithm(writer);
            writer.WriteEncodedValue(issuer);
            using (writer.PushSequence())
            {
                WriteTime(writer, notBefore);
                WriteTime(writer, notAfter);
            }

            writer.WriteEncodedValue(subject);
            writer.WriteEncodedValue(subjectPublicKeyInfo);
            using (writer.PushSequence(s_extensionsTag))
            using (writer.PushSequence())
            {
                foreach (X509Extension extension in extensions)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(extension.Oid!.Value!);
                        if (extension.Critical)
                        {
                            // DEFAULT FALSE: DER leaves a false value out.
                            writer.WriteBoolean(true);
                        }

                        writer.WriteOctetString(extension.RawData);
                    }
                }
            }
        }

        byte[] toBeSigned = writer.Encode();
        byte[] signature = issuerKey.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        writer.Reset();
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(toBeSigned);
            WriteSignatureAlgorithm(writer);
            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }

    private static void WriteSignatureAlgorithm(AsnWriter writer)
    {
        // RFC 5758 §3.2: ecdsa-with-SHA256 without parameters.
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(EcdsaWithSha256Oid);
        }
    }

    private static void WriteTime(AsnWriter writer, DateTimeOffset value)
    {
        // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on.
        if (value.UtcDateTime.Year < 2050)
        {
            writer.WriteUtcTime(value);
        }
        else
        {
            writer.WriteGeneralizedTime(value, omitFractionalSeconds: true);
        }
    }
}
