using System.Security.Cryptography;
using Kms.Crypto.Hpke;

namespace Kms.Crypto.Certificates;

/// <summary>
/// Derives a namespace CA's P-256 key from namespace key material (NK-derived secret):
/// <c>prk = HKDF-Extract(salt = "Orleans.Kms namespace CA key v1", ikm = key material)</c>, then candidates
/// <c>c_i = HKDF-Expand(prk, info = "P-256 scalar" ‖ i, 32)</c> for i = 0, 1, … 255, and the first candidate in
/// [1, n-1] is the private scalar.
/// </summary>
/// <remarks>
/// Rejection instead of reduction mod n keeps the scalar exactly uniform; a candidate is rejected with probability
/// about 2^-32, so in practice c_0 is the key. Unlike the Go system (SHA-256 digest used as the scalar without any
/// range check), an out-of-range value can never become the key.
/// </remarks>
public static class NamespaceCaKeyDerivation
{
    /// <summary>The minimum size of the key material.</summary>
    public const int MinimumKeyMaterialSize = 32;

    private static ReadOnlySpan<byte> Salt => "Orleans.Kms namespace CA key v1"u8;

    private static ReadOnlySpan<byte> InfoPrefix => "P-256 scalar"u8;

    /// <summary>Derives the CA's ECDSA key.</summary>
    /// <exception cref="ArgumentException">The key material is shorter than 32 bytes.</exception>
    public static ECDsa DeriveKey(ReadOnlySpan<byte> keyMaterial)
    {
        byte[] scalar = DeriveScalar(keyMaterial);
        try
        {
            return P256Keys.CreateEcdsa(scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>Derives the private scalar (big-endian, 32 bytes). The caller zeroes it.</summary>
    internal static byte[] DeriveScalar(ReadOnlySpan<byte> keyMaterial)
    {
        if (keyMaterial.Length < MinimumKeyMaterialSize)
        {
            throw new ArgumentException($"The key material must be at least {MinimumKeyMaterialSize} bytes.", nameof(keyMaterial));
        }

        Span<byte> prk = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> info = stackalloc byte[InfoPrefix.Length + 1];
        InfoPrefix.CopyTo(info);
        byte[] candidate = new byte[P256Keys.ScalarSize];
        try
        {
            HKDF.Extract(HashAlgorithmName.SHA256, keyMaterial, Salt, prk);
            for (int counter = 0; counter <= 255; counter++)
            {
                info[^1] = (byte)counter;
                HKDF.Expand(HashAlgorithmName.SHA256, prk, candidate, info);
                if (P256Keys.IsValidScalar(candidate))
                {
                    return candidate;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }

        CryptographicOperations.ZeroMemory(candidate);
        throw new CryptographicException("No valid P-256 scalar was derived.");
    }
}
