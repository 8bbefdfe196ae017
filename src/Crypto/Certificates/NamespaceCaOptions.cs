using System.Security.Cryptography.X509Certificates;

namespace Kms.Crypto.Certificates;

/// <summary>The inputs of a namespace CA certificate besides its key. Same inputs, same certificate bytes.</summary>
public sealed record NamespaceCaOptions
{
    /// <summary>The CA's subject (and issuer) name, e.g. <c>O=Orleans.Kms, CN=CA for &lt;namespace&gt;</c>.</summary>
    public required X500DistinguishedName Subject { get; init; }

    /// <summary>
    /// Start of validity, fixed by the namespace policy (not "now", so that re-creating the certificate gives the same
    /// bytes). Fractions of a second are dropped.
    /// </summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>Validity period. Default: 3650 days (the Go system's 10 years).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>basicConstraints pathLenConstraint. Default: 0 (the CA issues leaves only).</summary>
    public int PathLengthConstraint { get; init; }
}

/// <summary>A certificate issued by a namespace CA.</summary>
/// <param name="Der">The certificate DER.</param>
/// <param name="SerialNumber">The serial number bytes (big-endian, positive).</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
public sealed record IssuedCertificate(byte[] Der, byte[] SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>The certificate as a <c>CERTIFICATE</c> PEM block with a trailing newline (as Go's pem.Encode).</summary>
    public string ToPem() => new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", Der)) + "\n";
}
