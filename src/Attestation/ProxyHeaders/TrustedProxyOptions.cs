namespace Kms.Attestation.ProxyHeaders;

/// <summary>
/// Whether this silo sits behind an attested-TLS proxy (flashbots cvm-reverse-proxy / attested-tls-proxy) that verified
/// the client's attestation and forwards the measurements in headers.
/// </summary>
public sealed record TrustedProxyOptions
{
    /// <summary>
    /// Trust the X-Flashbots-Attestation-Type / X-Flashbots-Measurement headers. Default: false. Enable only when every
    /// request reaches the silo through such a proxy (otherwise any client can claim any measurement).
    /// </summary>
    public bool TrustAttestedProxy { get; init; }
}
