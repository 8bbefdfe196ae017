using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Crypto.Certificates;
using Kms.Crypto.Tests.Rsa;

namespace Kms.Crypto.Tests.Certificates;

public sealed class LeafIssuanceTests : IDisposable
{
    private const string AppCn = "00000000000000000000000000000000000000a1.app";

    private static readonly LeafCertificatePolicy s_policy = LeafCertificatePolicy.GoAppCommonName with
    {
        AllowedDnsNames = ["app.example.test"],
        AllowedDnsSuffixes = ["apps.example.test"],
    };

    private readonly OpenSslCli _openssl = new();
    private readonly NamespaceCertificateAuthority _ca =
        NamespaceCertificateAuthority.Create(NamespaceCertificateAuthorityTests.KeyMaterial, NamespaceCertificateAuthorityTests.Options(DateTimeOffset.UtcNow.AddDays(-30)));

    public void Dispose()
    {
        _ca.Dispose();
        _openssl.Dispose();
    }

    private static string[] P256 => ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

    private string OpenSslCsr(string[] newKey, string subject, params string[] addExtensions)
    {
        string name = Guid.NewGuid().ToString("N");
        var arguments = new List<string> { "req", "-new", "-nodes", "-sha256" };
        arguments.AddRange(newKey);
        arguments.AddRange(["-keyout", _openssl.PathOf(name + ".key"), "-out", _openssl.PathOf(name + ".csr"), "-subj", subject]);
        foreach (string extension in addExtensions)
        {
            arguments.AddRange(["-addext", extension]);
        }

        _openssl.RunChecked([.. arguments]);
        return File.ReadAllText(_openssl.PathOf(name + ".csr"));
    }

    private void AssertOpenSslVerifies(IssuedCertificate leaf)
    {
        string caPath = _openssl.Write("ca.pem", _ca.CertificatePem);
        string leafPath = _openssl.Write("leaf.pem", leaf.ToPem());
        foreach (string purpose in new[] { "sslserver", "sslclient" })
        {
            string output = _openssl.RunChecked("verify", "-x509_strict", "-purpose", purpose, "-CAfile", caPath, leafPath);
            Assert.Contains(": OK", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void P256Csr_FromOpenSsl_IsIssuedAndVerifiesWithOpenSsl()
    {
        string csr = OpenSslCsr(P256, "/CN=" + AppCn, "subjectAltName=DNS:app.example.test,DNS:node1.apps.example.test");

        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(csr);
        IssuedCertificate leaf = _ca.IssueLeaf(request, s_policy, DateTimeOffset.UtcNow.AddMinutes(-5));

        Assert.Equal(CsrKeyAlgorithm.EcdsaP256, request.KeyAlgorithm);
        Assert.Equal(["app.example.test", "node1.apps.example.test"], request.DnsNames);
        AssertOpenSslVerifies(leaf);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(leaf.Der);
        Assert.Equal("CN=" + AppCn, certificate.Subject);
        var constraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.False(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        var eku = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(request.DnsNames, san.EnumerateDnsNames());
        using X509Certificate2 caCertificate = X509CertificateLoader.LoadCertificate(_ca.CertificateDer.Span);
        var aki = Assert.Single(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.Equal(
            caCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(),
            aki.KeyIdentifier!.Value.ToArray());
        Assert.Equal(request.SubjectPublicKeyInfo.ToArray(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(TimeSpan.FromDays(365), leaf.NotAfter - leaf.NotBefore);
    }

    [Fact]
    public void P384AndRsa2048Csrs_AreIssued_RsaWithKeyEncipherment()
    {
        ParsedCertificateRequest p384 = CertificateRequestParser.ParsePem(OpenSslCsr(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], "/CN=" + AppCn));
        ParsedCertificateRequest rsa = CertificateRequestParser.ParsePem(OpenSslCsr(["-newkey", "rsa:2048"], "/CN=" + AppCn));

        Assert.Equal(CsrKeyAlgorithm.EcdsaP384, p384.KeyAlgorithm);
        Assert.Equal(CsrKeyAlgorithm.Rsa, rsa.KeyAlgorithm);
        Assert.Equal(2048, rsa.KeySizeInBits);
        IssuedCertificate p384Leaf = _ca.IssueLeaf(p384, s_policy, DateTimeOffset.UtcNow);
        IssuedCertificate rsaLeaf = _ca.IssueLeaf(rsa, s_policy, DateTimeOffset.UtcNow);
        AssertOpenSslVerifies(p384Leaf);
        AssertOpenSslVerifies(rsaLeaf);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(rsaLeaf.Der);
        Assert.Equal(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
    }

    [Theory]
    [InlineData("rsa:1024", "2048 to 16384 bits")]
    [InlineData("ed25519", "1.3.101.112 is not accepted")]
    [InlineData("secp256k1", "1.3.132.0.10 is not accepted")]
    public void UnsupportedKeys_AreRejected(string key, string reason)
    {
        string[] newKey = key == "secp256k1" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"] : ["-newkey", key];
        string csr = OpenSslCsr(newKey, "/CN=" + AppCn);

        var e = Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(csr));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/CN=00000000000000000000000000000000000000A1.app")] // Go prints lowercase hex
    [InlineData("/CN=0000000000000000000000000000000000000a1.app")] // 39 hex digits
    [InlineData("/CN=00000000000000000000000000000000000000a1.app.evil")]
    [InlineData("/O=Evil Corp/CN=00000000000000000000000000000000000000a1.app")]
    [InlineData("/O=Only an organisation")]
    public void SubjectsOutsidePolicy_AreRefused(string subject)
    {
        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(OpenSslCsr(P256, subject));

        Assert.Throws<CertificatePolicyException>(() => _ca.IssueLeaf(request, s_policy, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("subjectAltName=DNS:other.example.test")]
    [InlineData("subjectAltName=DNS:apps.example.test")] // the suffix itself is not implied
    [InlineData("subjectAltName=DNS:evilapps.example.test")] // label boundary
    [InlineData("subjectAltName=DNS:*.apps.example.test")]
    [InlineData("subjectAltName=IP:127.0.0.1")]
    [InlineData("subjectAltName=email:a@apps.example.test")]
    [InlineData("subjectAltName=URI:https://apps.example.test/")]
    public void SansOutsidePolicy_AreRefused(string extension)
    {
        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(OpenSslCsr(P256, "/CN=" + AppCn, extension));

        Assert.Throws<CertificatePolicyException>(() => _ca.IssueLeaf(request, s_policy, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void IpSans_AreIssuedWhenPolicyAllows()
    {
        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(OpenSslCsr(P256, "/CN=" + AppCn, "subjectAltName=IP:10.0.0.7,IP:::1"));

        IssuedCertificate leaf = _ca.IssueLeaf(request, s_policy with { AllowIpAddresses = true }, DateTimeOffset.UtcNow);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(leaf.Der);
        Assert.Equal(2, certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Count());
        AssertOpenSslVerifies(leaf);
    }

    [Fact]
    public void TamperedSignatureOrBody_IsRejected()
    {
        byte[] der = CertificateRequestParser.ParsePem(OpenSslCsr(P256, "/CN=" + AppCn)).Der.ToArray();
        byte[] badSignature = (byte[])der.Clone();
        badSignature[^3] ^= 0x01;
        byte[] badSubject = (byte[])der.Clone();
        int cn = der.AsSpan().IndexOf("00000000a1.app"u8);
        badSubject[cn] = (byte)'1';

        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParseDer(badSignature));
        var e = Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParseDer(badSubject));
        Assert.Contains("self-signature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCriticalExtension_IsRejected_NonCriticalIsAccepted()
    {
        string critical = OpenSslCsr(P256, "/CN=" + AppCn, "1.2.3.4.5=critical,DER:0500");
        string nonCritical = OpenSslCsr(P256, "/CN=" + AppCn, "1.2.3.4.5=DER:0500");

        var e = Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(critical));
        Assert.Contains("unknown critical extension 1.2.3.4.5", e.Message, StringComparison.Ordinal);
        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(nonCritical);
        CsrExtension extension = Assert.Single(request.Extensions);
        Assert.Equal("1.2.3.4.5", extension.Oid);
        Assert.False(extension.Critical);
        Assert.Equal([0x05, 0x00], extension.Value.ToArray());
    }

    [Fact]
    public void CaRequest_IsRejected()
    {
        string csr = OpenSslCsr(P256, "/CN=" + AppCn, "basicConstraints=critical,CA:TRUE");

        var e = Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(csr));
        Assert.Contains("CA certificate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OperatorSignatureExtension_IsExposedRawWithTheSpki()
    {
        byte[] signature = [.. Enumerable.Range(1, 64).Select(i => (byte)i), 0x01];
        string name = Guid.NewGuid().ToString("N");
        string keyPath = _openssl.PathOf(name + ".key");
        _openssl.RunChecked("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath);
        _openssl.RunChecked(
            "req", "-new", "-key", keyPath, "-subj", "/CN=" + AppCn, "-out", _openssl.PathOf(name + ".csr"),
            "-addext", "1.3.6.1.4.1.66704.98670.17=DER:" + Convert.ToHexString(signature));
        _openssl.RunChecked("pkey", "-in", keyPath, "-pubout", "-outform", "DER", "-out", _openssl.PathOf(name + ".spki"));

        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(File.ReadAllText(_openssl.PathOf(name + ".csr")));

        Assert.NotNull(request.OperatorSignature);
        Assert.Equal(signature, request.OperatorSignature.Value.ToArray());
        Assert.Equal(File.ReadAllBytes(_openssl.PathOf(name + ".spki")), request.SubjectPublicKeyInfo.ToArray());
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(_ca.IssueLeaf(request, s_policy, DateTimeOffset.UtcNow).Der);
        Assert.DoesNotContain(leaf.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == CertificateRequestParser.OperatorSignatureOid);
    }

    [Fact]
    public void Validity_IsCappedAtCaEnd_AndPolicyAndClockAreChecked()
    {
        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(OpenSslCsr(P256, "/CN=" + AppCn));

        IssuedCertificate late = _ca.IssueLeaf(request, s_policy, _ca.NotAfter.AddDays(-10));
        Assert.Equal(_ca.NotAfter, late.NotAfter);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ca.IssueLeaf(request, s_policy, _ca.NotBefore.AddDays(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ca.IssueLeaf(request, s_policy, _ca.NotAfter));
        Assert.Throws<InvalidOperationException>(() => _ca.IssueLeaf(request, s_policy with { Validity = TimeSpan.FromDays(500) }, DateTimeOffset.UtcNow));
        Assert.NotEqual(_ca.IssueLeaf(request, s_policy, DateTimeOffset.UtcNow).SerialNumber, _ca.IssueLeaf(request, s_policy, DateTimeOffset.UtcNow).SerialNumber);
    }

    [Fact]
    public void BclGeneratedCsr_WithRsaPss_IsRejected()
    {
        using RSA key = RSA.Create(2048);
        var builder = new CertificateRequest("CN=" + AppCn, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        string pem = builder.CreateSigningRequestPem();

        var e = Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(pem));
        Assert.Contains("1.2.840.113549.1.1.10", e.Message, StringComparison.Ordinal);
    }
}
