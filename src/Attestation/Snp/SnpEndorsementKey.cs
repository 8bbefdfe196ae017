using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Attestation.Snp;

/// <summary>
/// A VCEK or VLEK certificate whose chain to a pinned ARK has been verified, with the TCB it was issued for
/// (AMD extensions 1.3.6.1.4.1.3704.1.3.x) and, for a VCEK, the chip id (hwID, 1.3.6.1.4.1.3704.1.4).
/// </summary>
internal sealed class SnpEndorsementKey : IDisposable
{
    private const string OidBootLoader = "1.3.6.1.4.1.3704.1.3.1";
    private const string OidTee = "1.3.6.1.4.1.3704.1.3.2";
    private const string OidSnp = "1.3.6.1.4.1.3704.1.3.3";
    private const string OidMicrocode = "1.3.6.1.4.1.3704.1.3.8";
    private const string OidFmc = "1.3.6.1.4.1.3704.1.3.9";
    private const string OidHwId = "1.3.6.1.4.1.3704.1.4";

    private SnpEndorsementKey(AmdCertificate certificate, AmdFamilyChain chain, SnpSigningKey kind, SnpTcbVersion tcb, byte[]? hwId, ECDsa publicKey)
    {
        Certificate = certificate;
        Chain = chain;
        Kind = kind;
        Tcb = tcb;
        HwId = hwId;
        PublicKey = publicKey;
    }

    public AmdCertificate Certificate { get; }

    public AmdFamilyChain Chain { get; }

    public SnpProcessorFamily Family => Chain.Family;

    public SnpSigningKey Kind { get; }

    /// <summary>The TCB the key was derived for.</summary>
    public SnpTcbVersion Tcb { get; }

    /// <summary>The chip id the VCEK belongs to (64 bytes on Milan/Genoa, 8 on Turin); null for a VLEK.</summary>
    public byte[]? HwId { get; }

    /// <summary>The P-384 key that signs reports.</summary>
    public ECDsa PublicKey { get; }

    /// <summary>
    /// Parses <paramref name="der"/>, finds the pinned family whose ASK (VCEK) or ASVK (VLEK) signed it, and reads its
    /// TCB and hwID extensions. Throws UntrustedChain when no pinned intermediate signed it.
    /// </summary>
    public static SnpEndorsementKey Create(ReadOnlySpan<byte> der, SnpSigningKey kind)
    {
        AmdCertificate certificate = AmdCertificate.FromDer(der);
        AmdFamilyChain? chain = null;
        foreach (SnpProcessorFamily family in AmdRootCertificates.Families)
        {
            AmdFamilyChain candidate = AmdRootCertificates.For(family);
            if (certificate.IsSignedBy(candidate.IntermediateFor(kind)))
            {
                chain = candidate;
                break;
            }
        }

        if (chain is null)
        {
            throw new AttestationException(
                AttestationFailureKind.UntrustedChain,
                $"The {kind.ToString().ToUpperInvariant()} certificate ({certificate.IssuerCommonName} issued) is not signed by a pinned AMD {(kind == SnpSigningKey.Vlek ? "ASVK" : "ASK")}.");
        }

        ECDsa? key;
        try
        {
            key = certificate.Certificate.GetECDsaPublicKey();
        }
        catch (CryptographicException e)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The endorsement key certificate's public key does not parse.", e);
        }

        if (key is null || key.KeySize != 384)
        {
            key?.Dispose();
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The endorsement key is not an ECDSA P-384 key.");
        }

        try
        {
            byte fmc = chain.Family == SnpProcessorFamily.Turin ? ReadSpl(certificate.Certificate, OidFmc) : (byte)0;
            var tcb = new SnpTcbVersion(
                BootLoader: ReadSpl(certificate.Certificate, OidBootLoader),
                Tee: ReadSpl(certificate.Certificate, OidTee),
                Snp: ReadSpl(certificate.Certificate, OidSnp),
                Microcode: ReadSpl(certificate.Certificate, OidMicrocode),
                Fmc: fmc);
            byte[]? hwId = kind == SnpSigningKey.Vcek ? ReadHwId(certificate.Certificate, chain.Family) : null;
            return new SnpEndorsementKey(certificate, chain, kind, tcb, hwId, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose() => PublicKey.Dispose();

    private static byte ReadSpl(X509Certificate2 certificate, string oid)
    {
        X509Extension extension = certificate.Extensions[oid]
            ?? throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The endorsement key certificate lacks TCB extension {oid}.");
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            if (!reader.TryReadInt32(out int value) || value is < 0 or > 255)
            {
                throw new AttestationException(AttestationFailureKind.UntrustedChain, $"TCB extension {oid} is not an integer 0..255.");
            }

            reader.ThrowIfNotEmpty();
            return (byte)value;
        }
        catch (AsnContentException e)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"TCB extension {oid} is not a DER integer.", e);
        }
    }

    private static byte[] ReadHwId(X509Certificate2 certificate, SnpProcessorFamily family)
    {
        X509Extension extension = certificate.Extensions[OidHwId]
            ?? throw new AttestationException(AttestationFailureKind.UntrustedChain, "The VCEK certificate lacks the hwID extension.");
        int expected = family == SnpProcessorFamily.Turin ? 8 : 64;
        if (extension.RawData.Length != expected)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The VCEK hwID is {extension.RawData.Length} bytes; {family} uses {expected}.");
        }

        return extension.RawData;
    }
}
