using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Crypto.Certificates;

namespace Kms.Crypto.Tests.Certificates;

/// <summary>
/// The leaf encoder against the platform's own certificate builder: for the same inputs the to-be-signed bytes must be
/// identical (the signatures differ: ECDSA nonces are random), and the signature must verify with the issuer's key.
/// </summary>
public sealed class LeafCertificateEncoderTests
{
    [Theory]
    [InlineData(2026, false)]
    [InlineData(2049, true)] // notAfter in 2050: GeneralizedTime
    [InlineData(2070, true)]
    public void ToBeSignedBytesEqualThePlatformBuilders(int year, bool withNames)
    {
        using ECDsa issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa subjectKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var issuer = new X500DistinguishedName("CN=Namespace CA, O=Orleans.Kms");
        var subject = new X500DistinguishedName("CN=00000000000000000000000000000000000000a1.app");
        PublicKey publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(subjectKey.ExportSubjectPublicKeyInfo(), out _);
        var notBefore = new DateTimeOffset(year, 12, 31, 12, 0, 0, TimeSpan.Zero);
        DateTimeOffset notAfter = notBefore.AddDays(2);
        byte[] serial = [0x45, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0xFF];
        var extensions = new List<X509Extension>
        {
            new X509BasicConstraintsExtension(false, false, 0, critical: true),
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true),
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false),
            new X509SubjectKeyIdentifierExtension(publicKey, critical: false),
        };
        if (withNames)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("app.example.test");
            names.AddIpAddress(IPAddress.Parse("10.0.0.7"));
            extensions.Add(names.Build(critical: false));
        }

        byte[] ours = LeafCertificateEncoder.Encode(serial, issuer.RawData, notBefore, notAfter, subject.RawData, publicKey.ExportSubjectPublicKeyInfo(), extensions, issuerKey);

        var builder = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        foreach (X509Extension extension in extensions)
        {
            builder.CertificateExtensions.Add(extension);
        }

        using X509Certificate2 platform = builder.Create(issuer, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, serial);
        (byte[] ourTbs, byte[] ourAlgorithm, byte[] ourSignature) = Split(ours);
        (byte[] platformTbs, byte[] platformAlgorithm, _) = Split(platform.RawData);
        Assert.Equal(platformTbs, ourTbs);
        Assert.Equal(platformAlgorithm, ourAlgorithm);
        Assert.True(issuerKey.VerifyData(ourTbs, ourSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        // And the platform reads ours back as the same certificate.
        using X509Certificate2 loaded = X509CertificateLoader.LoadCertificate(ours);
        Assert.Equal(platform.SerialNumber, loaded.SerialNumber);
        Assert.Equal(platform.NotAfter, loaded.NotAfter);
        Assert.Equal(platform.Extensions.Count, loaded.Extensions.Count);
    }

    private static (byte[] Tbs, byte[] Algorithm, byte[] Signature) Split(byte[] certificate)
    {
        AsnReader sequence = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        byte[] tbs = sequence.ReadEncodedValue().ToArray();
        byte[] algorithm = sequence.ReadEncodedValue().ToArray();
        byte[] signature = sequence.ReadBitString(out _);
        sequence.ThrowIfNotEmpty();
        return (tbs, algorithm, signature);
    }
}
