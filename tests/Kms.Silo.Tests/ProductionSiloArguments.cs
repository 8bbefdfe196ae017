using System.Globalization;
using System.Security.Cryptography;
using Kms.Tests.Shared;

namespace Kms.Silo.Tests;

/// <summary>The command line of a production (non-dev) silo in a test directory: a storage key file, TLS material
/// from <paramref name="certificates"/> and free ports.</summary>
internal static class ProductionSiloArguments
{
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string[] Create(
        string directory, TestClusterCertificates certificates, string clusterId, string siloName, int gatewayPort = 0,
        byte[]? storageKey = null)
    {
        string keyFile = Path.Combine(directory, siloName + "-storage.key");
        File.WriteAllBytes(keyFile, storageKey ?? RandomNumberGenerator.GetBytes(32));
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (string certificate, string key) = certificates.Issue(siloName);
        return
        [
            "--urls", "http://127.0.0.1:0", "--silo-port", "0",
            "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture),
            "--data-dir", Path.Combine(directory, siloName + "-data"), "--storage-key-file", keyFile,
            "--cluster-id", clusterId, "--silo-name", siloName,
            "--tls-cert", certificate, "--tls-key", key, "--tls-ca", certificates.CaFile,
        ];
    }
}
