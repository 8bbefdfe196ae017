using System.Security.Cryptography;
using System.Text;

namespace Kms.Crypto.Release;

/// <summary>
/// The 64 bytes of report data a workload's evidence must carry for a release of the native API:
/// <c>challenge (32) ‖ SHA-256("Orleans.Kms release binding v1" ‖ 0x00 ‖ instance id (32) ‖ scheme ‖ 0x00 ‖ public key)</c>.
/// The first half proves freshness (the KMS's challenge, single use); the second binds the instance and the key that
/// receives the secret, so evidence captured in transit cannot redirect a release to another key.
/// </summary>
public static class ReleaseBinding
{
    /// <summary>The size of a challenge and of an instance id.</summary>
    public const int NonceSize = 32;

    /// <summary>The size of the report data.</summary>
    public const int ReportDataSize = 64;

    /// <summary>The largest recipient public key bound (an RSA-16384 SubjectPublicKeyInfo fits).</summary>
    public const int MaxPublicKeySize = 4096;

    private static ReadOnlySpan<byte> Label => "Orleans.Kms release binding v1"u8;

    /// <summary>Computes the report data.</summary>
    /// <exception cref="ArgumentException">A nonce is not 32 bytes, the scheme is not 1–32 printable ASCII characters,
    /// or the key is empty or larger than <see cref="MaxPublicKeySize"/>.</exception>
    public static byte[] ReportData(ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> instanceId, string scheme, ReadOnlySpan<byte> publicKey)
    {
        if (challenge.Length != NonceSize || instanceId.Length != NonceSize)
        {
            throw new ArgumentException($"The challenge and the instance id are {NonceSize} bytes each.");
        }

        if (string.IsNullOrEmpty(scheme) || scheme.Length > 32 || scheme.Any(c => c is <= ' ' or > '~'))
        {
            throw new ArgumentException("The scheme is 1 to 32 printable ASCII characters.", nameof(scheme));
        }

        if (publicKey.IsEmpty || publicKey.Length > MaxPublicKeySize)
        {
            throw new ArgumentException($"The public key is 1 to {MaxPublicKeySize} bytes.", nameof(publicKey));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Label);
        hash.AppendData([0]);
        hash.AppendData(instanceId);
        hash.AppendData(Encoding.ASCII.GetBytes(scheme));
        hash.AppendData([0]);
        hash.AppendData(publicKey);
        byte[] reportData = new byte[ReportDataSize];
        challenge.CopyTo(reportData);
        hash.GetHashAndReset(reportData.AsSpan(NonceSize));
        return reportData;
    }
}
