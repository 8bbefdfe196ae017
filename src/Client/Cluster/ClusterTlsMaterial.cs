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
            byte[] pkcs12 = fromPem.Export(X509ContentType.Pkcs12);
            try
            {
                certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs12);
            }
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

    /// <summary>Whether <paramref name="certificate"/> is a leaf (not a CA) for TLS clients and servers that chains to
    /// the cluster CA and is valid now.</summary>
    public bool IsIssuedByClusterCa(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!IsTlsLeaf(certificate))
        {
            return false;
        }

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

    // Every member both accepts and opens connections, so its certificate must allow both; a CA certificate issued
    // under the cluster CA must not be usable as a member's identity.
    private static bool IsTlsLeaf(X509Certificate2 certificate)
    {
        if (certificate.Extensions[BasicConstraintsOid] is X509BasicConstraintsExtension { CertificateAuthority: true })
        {
            return false;
        }

        if (certificate.Extensions[EnhancedKeyUsageOid] is not X509EnhancedKeyUsageExtension usages)
        {
            return true; // no EKU extension: any use (RFC 5280 §4.2.1.12)
        }

        bool server = false, client = false;
        foreach (Oid usage in usages.EnhancedKeyUsages)
        {
            server |= usage.Value == ServerAuthOid;
            client |= usage.Value == ClientAuthOid;
        }

        return server && client;
    }

    private const string BasicConstraintsOid = "2.5.29.19";
    private const string EnhancedKeyUsageOid = "2.5.29.37";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

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
