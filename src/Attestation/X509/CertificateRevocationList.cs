using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Attestation.X509;

/// <summary>
/// A parsed X.509 v2 CRL (RFC 5280 §5): issuer, validity window and revoked serial numbers. Parsing does not check the
/// signature; <see cref="VerifiedBy"/> does.
/// </summary>
public sealed class CertificateRevocationList
{
    private readonly HashSet<string> _revokedSerials;

    private CertificateRevocationList(byte[] der, byte[] issuer, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, HashSet<string> revoked)
    {
        Der = der;
        IssuerName = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        _revokedSerials = revoked;
    }

    public ReadOnlyMemory<byte> Der { get; }

    /// <summary>The DER-encoded issuer Name.</summary>
    public ReadOnlyMemory<byte> IssuerName { get; }

    public DateTimeOffset ThisUpdate { get; }

    public DateTimeOffset? NextUpdate { get; }

    public int RevokedCount => _revokedSerials.Count;

    /// <summary>Parses a DER CRL; throws a Malformed <see cref="AttestationException"/> on bad input.</summary>
    public static CertificateRevocationList Parse(ReadOnlyMemory<byte> der)
    {
        try
        {
            AsnReader outer = new(der, AsnEncodingRules.DER);
            AsnReader certList = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            AsnReader tbs = certList.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger();
            }

            tbs.ReadSequence();
            byte[] issuer = tbs.ReadEncodedValue().ToArray();
            DateTimeOffset thisUpdate = ReadTime(tbs);
            DateTimeOffset? nextUpdate = null;
            if (tbs.HasData && IsTime(tbs.PeekTag()))
            {
                nextUpdate = ReadTime(tbs);
            }

            HashSet<string> revoked = new(StringComparer.Ordinal);
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                AsnReader entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    AsnReader entry = entries.ReadSequence();
                    revoked.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span));
                    ReadTime(entry);
                }
            }

            return new CertificateRevocationList(der.ToArray(), issuer, thisUpdate, nextUpdate, revoked);
        }
        catch (AsnContentException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The CRL is not valid DER.", ex);
        }
    }

    /// <summary>True when the CRL's issuer is <paramref name="issuer"/> and its signature verifies with the issuer's key.</summary>
    public bool VerifiedBy(X509Certificate2 issuer)
    {
        if (!IssuerName.Span.SequenceEqual(issuer.SubjectName.RawData))
        {
            return false;
        }

        using var key = issuer.GetECDsaPublicKey();
        return key is not null && SignedDer.IsSignedBy(Der, key);
    }

    /// <summary>True when the CRL lists <paramref name="certificate"/>'s serial number.</summary>
    public bool IsRevoked(X509Certificate2 certificate) =>
        _revokedSerials.Contains(Convert.ToHexString(certificate.SerialNumberBytes.Span));

    /// <summary>True when <paramref name="now"/> lies in [thisUpdate, nextUpdate].</summary>
    public bool IsCurrent(DateTimeOffset now) => ThisUpdate <= now && (NextUpdate is null || now <= NextUpdate);

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
