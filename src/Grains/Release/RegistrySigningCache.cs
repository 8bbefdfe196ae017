using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Kms.Crypto.Certificates;
using Kms.Crypto.Ethereum;
using Kms.Grains.Namespaces;
using Kms.Grains.Registry;

namespace Kms.Grains.Release;

/// <summary>
/// What the Go registry front end signs with, per namespace and key epoch, built once per silo from the key material a
/// namespace granted: the namespace CA (rebuilt from its key material and checked against the CA certificate the
/// namespace holds) and the app key. Rebuilding them per request would cost a scalar multiplication and a regex
/// compilation each time; the hot path then costs one CSR check and one certificate signature.
/// </summary>
internal sealed class RegistrySigningCache
{
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<(string Namespace, long Epoch), RegistrySigningMaterial> _entries = new();

    /// <summary>The material for <paramref name="grant"/>; the grant's key material is wiped.</summary>
    /// <exception cref="KmsException">The CA does not rebuild to the namespace's certificate (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public RegistrySigningMaterial Get(string @namespace, RegistryKeyGrant grant)
    {
        try
        {
            if (_entries.TryGetValue((@namespace, grant.KeyEpoch), out RegistrySigningMaterial? cached) &&
                cached.CaCertificateDer.AsSpan().SequenceEqual(grant.CaCertificateDer))
            {
                return cached;
            }

            if (_entries.Count >= MaxEntries)
            {
                // Entries are not disposed: a concurrent request may still sign with one; the GC finalizes their keys.
                _entries.Clear();
            }

            RegistrySigningMaterial built = RegistrySigningMaterial.Build(@namespace, grant);
            _entries[(@namespace, grant.KeyEpoch)] = built;
            return built;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(grant.CaKeyMaterial);
            CryptographicOperations.ZeroMemory(grant.AppKeyMaterial);
        }
    }
}

/// <summary>One namespace's registry signing material (see <see cref="RegistrySigningCache"/>).</summary>
internal sealed class RegistrySigningMaterial
{
    private RegistrySigningMaterial(NamespaceCertificateAuthority ca, byte[] appPrivateKeyPem, byte[] appPublicKeyPem, LeafCertificatePolicy leafPolicy)
    {
        Ca = ca;
        CaCertificateDer = ca.CertificateDer.ToArray();
        CaCertificatePem = GoPem.Encode("CERTIFICATE", CaCertificateDer);
        AppPrivateKeyPem = appPrivateKeyPem;
        AppPublicKeyPem = appPublicKeyPem;
        LeafPolicy = leafPolicy;
    }

    public NamespaceCertificateAuthority Ca { get; }

    public byte[] CaCertificateDer { get; }

    /// <summary>The CA certificate as Go's PEM bytes.</summary>
    public byte[] CaCertificatePem { get; }

    /// <summary>SEC1 <c>EC PRIVATE KEY</c> PEM of the app key (Go's <c>x509.MarshalECPrivateKey</c> layout).</summary>
    public byte[] AppPrivateKeyPem { get; }

    /// <summary>PKIX <c>PUBLIC KEY</c> PEM of the app key.</summary>
    public byte[] AppPublicKeyPem { get; }

    /// <summary>Leaves carry CN <c>&lt;contract hex&gt;.app</c> (the Go AppCommonName) and at most that DNS name.</summary>
    public LeafCertificatePolicy LeafPolicy { get; }

    public static RegistrySigningMaterial Build(string @namespace, RegistryKeyGrant grant)
    {
        // The CA certificate starts its validity when the namespace was created: the time the CA rebuilds from.
        using var certificate = X509CertificateLoader.LoadCertificate(grant.CaCertificateDer);
        NamespaceCertificateAuthority ca = NamespaceCa.Build(
            @namespace, grant.CaKeyMaterial, new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero), grant.CaCertificateDer);

        using ECDsa appKey = NamespaceCaKeyDerivation.DeriveKey(grant.AppKeyMaterial);
        byte[] sec1 = appKey.ExportECPrivateKey();
        byte[] privatePem;
        try
        {
            privatePem = GoPem.Encode("EC PRIVATE KEY", sec1);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sec1);
        }

        string commonName = @namespace[2..] + ".app";
        var policy = new LeafCertificatePolicy
        {
            CommonNamePattern = Regex.Escape(commonName),
            AllowedDnsNames = [commonName],
        };
        return new RegistrySigningMaterial(ca, privatePem, GoPem.Encode("PUBLIC KEY", appKey.ExportSubjectPublicKeyInfo()), policy);
    }
}
