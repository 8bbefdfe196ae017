using System.Security.Cryptography;

namespace Kms.Crypto.Release;

/// <summary>
/// The report data of the KMS's own evidence in the Go TEE registry's answers (seeds-protocols §1.5, §1.7):
/// <c>contract (20) ‖ SHA-256(payload) (32) ‖ 0x00 × 12</c>, where the payload is
/// <c>operator (20) ‖ tls_cert PEM ‖ app_privkey PEM</c> for AppSecrets and <c>ca_cert PEM ‖ app_pubkey PEM</c> for the PKI.
/// </summary>
public static class RegistryReportData
{
    /// <summary>The size of the report data.</summary>
    public const int Size = 64;

    private const int AddressSize = 20;

    /// <summary>AppSecrets report data.</summary>
    /// <exception cref="ArgumentException">The contract or operator is not 20 bytes.</exception>
    public static byte[] AppSecrets(ReadOnlySpan<byte> contract, ReadOnlySpan<byte> @operator, ReadOnlySpan<byte> tlsCertificatePem, ReadOnlySpan<byte> appPrivateKeyPem)
    {
        RequireAddress(@operator, nameof(@operator));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(@operator);
        hash.AppendData(tlsCertificatePem);
        hash.AppendData(appPrivateKeyPem);
        return Compose(contract, hash);
    }

    /// <summary>PKI report data.</summary>
    /// <exception cref="ArgumentException">The contract is not 20 bytes.</exception>
    public static byte[] Pki(ReadOnlySpan<byte> contract, ReadOnlySpan<byte> caCertificatePem, ReadOnlySpan<byte> appPublicKeyPem)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(caCertificatePem);
        hash.AppendData(appPublicKeyPem);
        return Compose(contract, hash);
    }

    private static byte[] Compose(ReadOnlySpan<byte> contract, IncrementalHash hash)
    {
        RequireAddress(contract, nameof(contract));
        byte[] reportData = new byte[Size];
        contract.CopyTo(reportData);
        hash.GetHashAndReset(reportData.AsSpan(AddressSize, SHA256.HashSizeInBytes));
        return reportData;
    }

    private static void RequireAddress(ReadOnlySpan<byte> address, string name)
    {
        if (address.Length != AddressSize)
        {
            throw new ArgumentException($"An address is {AddressSize} bytes.", name);
        }
    }
}
