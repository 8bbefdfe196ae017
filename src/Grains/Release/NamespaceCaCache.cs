using System.Security.Cryptography;
using Kms.Crypto.Certificates;
using Kms.Grains.Namespaces;

namespace Kms.Grains.Release;

/// <summary>
/// The namespace CAs one release worker activation has rebuilt, so that a certificate costs one signature rather than
/// a CA rebuild (a self-signature) each time. Per activation: a stateless worker handles one request at a time, so
/// nothing here is shared between threads. Bounded: when full it starts over.
/// </summary>
internal sealed class NamespaceCaCache : IDisposable
{
    private const int MaxNamespaces = 64;
    private readonly Dictionary<string, NamespaceCertificateAuthority> _authorities = new(StringComparer.Ordinal);

    /// <summary>The CA of <paramref name="namespace"/> as <paramref name="grant"/> describes it; wipes the grant's key material.</summary>
    /// <exception cref="KmsException">The CA does not rebuild to the certificate on record (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public NamespaceCertificateAuthority Get(string @namespace, CertificateGrant grant)
    {
        try
        {
            if (_authorities.TryGetValue(@namespace, out NamespaceCertificateAuthority? cached)
                && cached.CertificateDer.Span.SequenceEqual(grant.CaCertificate))
            {
                return cached;
            }

            if (_authorities.Count >= MaxNamespaces)
            {
                Dispose();
            }

            NamespaceCertificateAuthority built = NamespaceCa.Build(@namespace, grant.CaKeyMaterial, grant.CaCreatedAt, grant.CaCertificate);
            if (_authorities.Remove(@namespace, out NamespaceCertificateAuthority? stale))
            {
                stale.Dispose();
            }

            _authorities[@namespace] = built;
            return built;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(grant.CaKeyMaterial);
        }
    }

    public void Dispose()
    {
        foreach (NamespaceCertificateAuthority authority in _authorities.Values)
        {
            authority.Dispose();
        }

        _authorities.Clear();
    }
}
