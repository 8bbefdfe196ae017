namespace Kms.Client.Cluster;

/// <summary>
/// The TLS material of a cluster member (silo or trusted client): its certificate and key, and the cluster CA that
/// every peer's certificate must chain to. Connections use TLS 1.3 with mutual authentication.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>PEM file with this member's certificate (and optionally the intermediate certificates after it).
    /// Required outside development mode. Default: none.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM file with the private key of <see cref="CertificateFile"/>; must not be readable by group or
    /// others. Default: none (required with a certificate).</summary>
    public string? KeyFile { get; set; }

    /// <summary>PEM file with the cluster CA certificate: peers whose certificate does not chain to it are refused.
    /// Default: none (required with a certificate).</summary>
    public string? CaFile { get; set; }

    /// <summary>Whether any TLS setting is given.</summary>
    public bool IsConfigured => CertificateFile is not null || KeyFile is not null || CaFile is not null;
}
