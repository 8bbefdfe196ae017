using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Tests.Shared;

/// <summary>
/// A cluster CA and certificates issued by it, written as PEM files (keys mode 0600) into a directory, as an
/// operator would provide them to <c>kms-silo --tls-cert/--tls-key/--tls-ca</c>. Linked into the test projects that
/// run silos with mutual TLS.
/// </summary>
internal sealed class TestClusterCertificates : IDisposable
{
    private readonly ECDsa _caKey;
    private readonly X509Certificate2 _ca;

    public TestClusterCertificates(string directory, string caName = "Orleans.Kms test cluster CA")
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + caName, _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaFile = Path.Combine(directory, "cluster-ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
    }

    public string Directory { get; }

    /// <summary>The cluster CA certificate (PEM).</summary>
    public string CaFile { get; }

    /// <summary>Issues a certificate for a silo or client named <paramref name="name"/>.</summary>
    public (string CertificateFile, string KeyFile) Issue(string name) => Issue(name, isCa: false, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);

    /// <summary>Issues a certificate with the given CA flag and extended key usages (none: no EKU extension).</summary>
    public (string CertificateFile, string KeyFile) Issue(string name, bool isCa, string[] extendedKeyUsages)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            isCa ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.DigitalSignature, true));
        if (extendedKeyUsages.Length > 0)
        {
            var usages = new OidCollection();
            foreach (string usage in extendedKeyUsages)
            {
                usages.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }

        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using X509Certificate2 certificate = request.Create(
            _ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        return Write(name, certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A self-signed certificate that no cluster CA issued.</summary>
    public (string CertificateFile, string KeyFile) SelfSigned(string name)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12));
        return Write(name, certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }

    private (string, string) Write(string name, string certificatePem, string keyPem)
    {
        string certificateFile = Path.Combine(Directory, name + ".pem");
        string keyFile = Path.Combine(Directory, name + ".key");
        File.WriteAllText(certificateFile, certificatePem);
        File.WriteAllText(keyFile, keyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certificateFile, keyFile);
    }
}
