using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Crypto.Certificates;
using Kms.Crypto.Tests.Rsa;

namespace Kms.Crypto.Tests.Certificates;

public sealed class NamespaceCertificateAuthorityTests
{
    internal static readonly byte[] KeyMaterial = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    internal static NamespaceCaOptions Options(DateTimeOffset notBefore) => new()
    {
        Subject = new X500DistinguishedName("O=Orleans.Kms, CN=CA for 0000000000000000000000000000000000000001.app"),
        NotBefore = notBefore,
    };

    private static readonly DateTimeOffset s_fixedStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_TwiceWithSameInputs_GivesIdenticalCertificateBytes()
    {
        using var first = NamespaceCertificateAuthority.Create(KeyMaterial, Options(s_fixedStart));
        using var second = NamespaceCertificateAuthority.Create(KeyMaterial, Options(s_fixedStart.AddMilliseconds(400)));

        Assert.Equal(first.CertificateDer.ToArray(), second.CertificateDer.ToArray());
        Assert.Equal(first.CertificatePem, second.CertificatePem);
    }

    [Fact]
    public void Create_DifferentInputs_GiveDifferentCertificatesAndSerials()
    {
        using var baseline = NamespaceCertificateAuthority.Create(KeyMaterial, Options(s_fixedStart));
        using var otherStart = NamespaceCertificateAuthority.Create(KeyMaterial, Options(s_fixedStart.AddDays(1)));
        byte[] otherMaterial = (byte[])KeyMaterial.Clone();
        otherMaterial[0] ^= 1;
        using var otherKey = NamespaceCertificateAuthority.Create(otherMaterial, Options(s_fixedStart));

        using X509Certificate2 a = X509CertificateLoader.LoadCertificate(baseline.CertificateDer.Span);
        using X509Certificate2 b = X509CertificateLoader.LoadCertificate(otherStart.CertificateDer.Span);
        using X509Certificate2 c = X509CertificateLoader.LoadCertificate(otherKey.CertificateDer.Span);
        Assert.NotEqual(a.SerialNumber, b.SerialNumber);
        Assert.NotEqual(a.SerialNumber, c.SerialNumber);
        Assert.NotEqual(a.PublicKey.EncodedKeyValue.RawData, c.PublicKey.EncodedKeyValue.RawData);
        Assert.Equal(a.PublicKey.EncodedKeyValue.RawData, b.PublicKey.EncodedKeyValue.RawData);
    }

    [Fact]
    public void Certificate_HasCaExtensionsAndFixedValidity()
    {
        using var ca = NamespaceCertificateAuthority.Create(KeyMaterial, Options(s_fixedStart));
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(ca.CertificateDer.Span);

        Assert.Equal(s_fixedStart.UtcDateTime, certificate.NotBefore.ToUniversalTime());
        Assert.Equal(s_fixedStart.AddDays(3650).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        var constraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.Critical);
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        var usage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, usage.KeyUsages);
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
        Assert.Equal(16, certificate.GetSerialNumber().Length);
    }

    [Fact]
    public void Key_IsTheDocumentedHkdfRejectionDerivation()
    {
        // Recomputed here step by step from the documented construction.
        byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, KeyMaterial, "Orleans.Kms namespace CA key v1"u8.ToArray());
        byte[] scalar = HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, [.. "P-256 scalar"u8, 0x00]);
        using ECDsa expected = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
        using ECDsa derived = NamespaceCaKeyDerivation.DeriveKey(KeyMaterial);
        using var ca = NamespaceCertificateAuthority.Create(KeyMaterial, Options(s_fixedStart));
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(ca.CertificateDer.Span);

        Assert.Equal(scalar, derived.ExportParameters(true).D);
        Assert.Equal(expected.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void DeriveKey_RejectsShortKeyMaterial()
    {
        Assert.Throws<ArgumentException>(() => NamespaceCaKeyDerivation.DeriveKey(new byte[31]));
    }

    [Fact]
    public void DeterministicSigner_MatchesRfc6979Vector()
    {
        // RFC 6979 A.2.5: P-256, SHA-256, message "sample".
        using var signer = new DeterministicEcdsaSignatureGenerator(Convert.FromHexString("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));

        byte[] der = signer.SignData("sample"u8.ToArray(), HashAlgorithmName.SHA256);

        var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", Convert.ToHexString(reader.ReadIntegerBytes().Span).TrimStart('0'));
        Assert.Equal("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", Convert.ToHexString(reader.ReadIntegerBytes().Span).TrimStart('0'));
        Assert.True(signer.Key.VerifyData("sample"u8, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void CaCertificate_VerifiesWithOpenSsl()
    {
        using var ca = NamespaceCertificateAuthority.Create(KeyMaterial, Options(DateTimeOffset.UtcNow.AddDays(-1)));
        using var openssl = new OpenSslCli();
        string path = openssl.Write("ca.pem", ca.CertificatePem);

        string output = openssl.RunChecked("verify", "-x509_strict", "-CAfile", path, path);

        Assert.Contains("OK", output, StringComparison.Ordinal);
    }
}
