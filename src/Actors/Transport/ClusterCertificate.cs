using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Actors.Transport;

/// <summary>Mutual TLS for the silo transport with one cluster certificate: every silo and trusted client presents
/// it, and accepts only peers presenting exactly it (pinned by SHA-256 of the DER certificate). There is no CA and no
/// name check: possession of the cluster key is the credential. (Attestation-bound certificates per silo are the
/// later step DESIGN describes.)</summary>
internal sealed class ClusterCertificate
{
    private readonly byte[] _pin;

    public ClusterCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The cluster certificate must include its private key.", nameof(certificate));
        }

        Certificate = certificate;
        _pin = certificate.GetCertHash(HashAlgorithmName.SHA256);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Whether the peer presented the cluster certificate. Chain and name errors are irrelevant: the pin
    /// is the whole trust decision.</summary>
    public bool Matches(X509Certificate? peer)
        => peer is not null && CryptographicOperations.FixedTimeEquals(peer.GetCertHash(HashAlgorithmName.SHA256), _pin);

    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        ClientCertificates = [Certificate],
        RemoteCertificateValidationCallback = (_, peer, _, _) => Matches(peer),
        EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls13,
    };
}
