using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Kms.Client.Cluster;

/// <summary>
/// A cluster member's certificate and the cluster CA, loaded from PEM files; applies them to Orleans' TLS options
/// so that both sides of every connection present a certificate and accept only peers issued by the cluster CA.
/// </summary>
public sealed class ClusterTlsMaterial : IDisposable
{
    private ClusterTlsMaterial(X509Certificate2 certificate, X509Certificate2 clusterCa)
    {
        Certificate = certificate;
        ClusterCa = clusterCa;
    }

    /// <summary>This member's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster CA certificate.</summary>
    public X509Certificate2 ClusterCa { get; }

    /// <summary>Loads the files named by <paramref name="options"/>.</summary>
    /// <exception cref="ClusterConfigurationException">A file is missing, unreadable, too open, or not what it
    /// should be; the message names the file and never contains key material.</exception>
    public static ClusterTlsMaterial Load(ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string certificateFile = Require(options.CertificateFile, "certificate file");
        string keyFile = Require(options.KeyFile, "key file");
        string caFile = Require(options.CaFile, "CA file");
        SecretFilePermissions.RejectLoose(keyFile, "TLS key file");

        X509Certificate2 certificate;
        try
        {
            using X509Certificate2 fromPem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // Round-trip through PKCS#12: on some platforms SslStream cannot use a key that only lives in memory.
            certificate = X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterConfigurationException(
                $"Cannot load the TLS certificate {certificateFile} with its key {keyFile}: {Describe(exception)}", exception);
        }

        X509Certificate2 ca;
        try
        {
            ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            certificate.Dispose();
            throw new ClusterConfigurationException($"Cannot load the cluster CA certificate {caFile}: {Describe(exception)}", exception);
        }

        var material = new ClusterTlsMaterial(certificate, ca);
        if (!material.IsIssuedByClusterCa(certificate))
        {
            material.Dispose();
            throw new ClusterConfigurationException(
                $"The TLS certificate {certificateFile} is not issued by the cluster CA in {caFile} (or is expired).");
        }

        return material;
    }

    /// <summary>Applies the material to Orleans' TLS options: TLS 1.3, certificates required both ways, peers
    /// checked against the cluster CA only (the machine's trust store plays no part).</summary>
    public void Apply(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.LocalCertificate = Certificate;
        options.SslProtocols = SslProtocols.Tls13;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => IsIssuedByClusterCa(certificate);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the cluster CA and is valid now.</summary>
    public bool IsIssuedByClusterCa(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ClusterCa);
        // Cluster certificates are short-lived and replaced with the membership, not revoked through a CRL service.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        try
        {
            return chain.Build(certificate)
                && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ClusterCa.RawDataMemory.Span);
        }
        finally
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        ClusterCa.Dispose();
    }

    private static string Require(string? value, string what)
        => string.IsNullOrWhiteSpace(value)
            ? throw new ClusterConfigurationException($"TLS needs a {what} (set the certificate, key and CA files together).")
            : value;

    private static string Describe(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
        UnauthorizedAccessException => "access denied",
        _ => exception.Message,
    };
}
