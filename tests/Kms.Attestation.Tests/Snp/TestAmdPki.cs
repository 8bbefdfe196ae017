using Kms.Attestation.Snp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Kms.Attestation.Tests.Snp;

/// <summary>
/// A stand-in AMD PKI built with BouncyCastle (independent of the .NET code under test): an ARK, ASK and ASVK signed
/// with RSASSA-PSS SHA-384 (MGF1-SHA-384, salt 48) as AMD signs them, and KDS-style CRLs issued by the ARK.
/// </summary>
internal sealed class TestAmdPki
{
    public const string PssSha384 = "SHA384WITHRSAANDMGF1";

    private static readonly Lazy<TestAmdPki> s_shared = new(() => new TestAmdPki("ARK-Milan"));

    private readonly AsymmetricCipherKeyPair _arkKeys;

    public TestAmdPki(string arkName)
    {
        _arkKeys = NewKey();
        ArkName = new X509Name($"CN={arkName}, OU=Engineering, O=Advanced Micro Devices, L=Santa Clara, ST=CA, C=US");
        Ark = Issue(ArkName, _arkKeys.Public, _arkKeys.Private, ArkName, 1, ca: true);
        Ask = Issue(new X509Name("CN=SEV-Milan, OU=Engineering, O=Advanced Micro Devices, L=Santa Clara, ST=CA, C=US"), NewKey().Public, _arkKeys.Private, ArkName, 0x0A5C, ca: true);
        Asvk = Issue(new X509Name("CN=SEV-VLEK-Milan, OU=Engineering, O=Advanced Micro Devices, L=Santa Clara, ST=CA, C=US"), NewKey().Public, _arkKeys.Private, ArkName, 0x0A5F, ca: true);
        Chain = new AmdFamilyChain(SnpProcessorFamily.Milan, AmdCertificate.FromDer(Ark.GetEncoded()), AmdCertificate.FromDer(Ask.GetEncoded()), AmdCertificate.FromDer(Asvk.GetEncoded()));
    }

    /// <summary>One PKI shared by tests (RSA key generation is slow).</summary>
    public static TestAmdPki Shared => s_shared.Value;

    public X509Name ArkName { get; }

    public X509Certificate Ark { get; }

    public X509Certificate Ask { get; }

    public X509Certificate Asvk { get; }

    public AmdFamilyChain Chain { get; }

    public static DateTime ThisUpdate { get; } = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static DateTime NextUpdate { get; } = new(2025, 1, 8, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A CRL of the ARK revoking <paramref name="revoked"/>, signed with <paramref name="algorithm"/> (default AMD's PSS).</summary>
    public byte[] Crl(IEnumerable<X509Certificate>? revoked = null, string algorithm = PssSha384, AsymmetricKeyParameter? signer = null, X509Name? issuer = null, DateTime? thisUpdate = null, DateTime? nextUpdate = null)
    {
        X509V2CrlGenerator generator = new();
        generator.SetIssuerDN(issuer ?? ArkName);
        generator.SetThisUpdate(thisUpdate ?? ThisUpdate);
        generator.SetNextUpdate(nextUpdate ?? NextUpdate);
        foreach (X509Certificate certificate in revoked ?? [])
        {
            generator.AddCrlEntry(certificate.SerialNumber, ThisUpdate.AddDays(-1), CrlReason.KeyCompromise);
        }

        return generator.Generate(new Asn1SignatureFactory(algorithm, signer ?? _arkKeys.Private)).GetEncoded();
    }

    public static AsymmetricCipherKeyPair NewKey()
    {
        RsaKeyPairGenerator generator = new();
        generator.Init(new KeyGenerationParameters(new SecureRandom(), 2048));
        return generator.GenerateKeyPair();
    }

    private static X509Certificate Issue(X509Name subject, AsymmetricKeyParameter publicKey, AsymmetricKeyParameter issuerKey, X509Name issuer, long serial, bool ca)
    {
        X509V3CertificateGenerator generator = new();
        generator.SetSerialNumber(BigInteger.ValueOf(serial));
        generator.SetIssuerDN(issuer);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generator.SetNotAfter(new DateTime(2045, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generator.SetPublicKey(publicKey);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(ca));
        return generator.Generate(new Asn1SignatureFactory(PssSha384, issuerKey));
    }
}
