using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.X509;

namespace Kms.Attestation.Intel;

/// <summary>
/// The pinned trust anchor of Intel SGX/TDX DCAP attestation: the Intel SGX Root CA certificate (public), checked against
/// its published SHA-256 fingerprint when loaded.
/// </summary>
public static class IntelSgxRootCa
{
    /// <summary>SHA-256 of the root certificate's DER encoding.</summary>
    public const string Sha256Fingerprint = "44A0196B2B99F889B8E149E95B807A350E7424964399E885A7CBB8CCFAB674D3";

    /// <summary>The Intel SGX Root CA certificate (valid 2018-05-21 to 2049-12-31).</summary>
    public const string Pem = """
        -----BEGIN CERTIFICATE-----
        MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw
        aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv
        cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ
        BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG
        A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0
        aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT
        AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7
        1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB
        uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ
        MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50
        ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV
        Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI
        KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg
        AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=
        -----END CERTIFICATE-----
        """;

    private static readonly Lazy<X509Certificate2> s_certificate = new(Load);

    /// <summary>The pinned root certificate.</summary>
    public static X509Certificate2 Certificate => s_certificate.Value;

    /// <summary>True when <paramref name="certificate"/> is byte-for-byte the pinned root.</summary>
    public static bool IsPinnedRoot(X509Certificate2 certificate) =>
        certificate.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);

    private static X509Certificate2 Load()
    {
        X509Certificate2 certificate = PemCertificates.Parse(Pem)[0];
        string fingerprint = Convert.ToHexString(SHA256.HashData(certificate.RawDataMemory.Span));
        if (fingerprint != Sha256Fingerprint)
        {
            throw new CryptographicException("The embedded Intel SGX Root CA does not match its pinned SHA-256 fingerprint.");
        }

        return certificate;
    }
}
