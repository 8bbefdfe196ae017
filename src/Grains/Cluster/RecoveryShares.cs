using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Hpke;
using Kms.Crypto.Sharing;

namespace Kms.Grains.Cluster;

/// <summary>
/// Admin recovery shares: the root scalar split again in GF(2^8) (HashiCorp Vault's share format), each share sealed
/// with HPKE (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM; info "Orleans.Kms recovery share v1", aad the
/// admin's name) to that admin's recovery key. For disaster recovery only: the KMS keeps none of them.
/// </summary>
internal static class RecoveryShares
{
    public static ReadOnlySpan<byte> Info => "Orleans.Kms recovery share v1"u8;

    /// <exception cref="KmsException">The recovery threshold does not fit the admins that have recovery keys.</exception>
    public static IReadOnlyList<SealedRecoveryShare> Create(ReadOnlySpan<byte> secret, IReadOnlyList<AdminKey> admins, int threshold)
    {
        if (threshold == 0)
        {
            return [];
        }

        AdminKey[] holders = admins.Where(a => a.RecoveryKey.Length != 0).ToArray();
        if (threshold < 2 || threshold > holders.Length)
        {
            throw new KmsException(
                KmsErrorKind.MalformedInput,
                $"The recovery threshold must be 0, or between 2 and the {holders.Length} admins with a recovery key.");
        }

        byte[][] parts = VaultShamir.Split(secret, holders.Length, threshold);
        try
        {
            var sealedShares = new SealedRecoveryShare[holders.Length];
            for (int i = 0; i < holders.Length; i++)
            {
                HpkeSealedMessage message = HpkeX25519.SealMessage(
                    holders[i].RecoveryKey, Info, Encoding.UTF8.GetBytes(holders[i].Name), parts[i], HpkeAead.Aes128Gcm);
                sealedShares[i] = new SealedRecoveryShare(holders[i].Name, message.EncapsulatedKey, message.Ciphertext);
            }

            return sealedShares;
        }
        finally
        {
            foreach (byte[] part in parts)
            {
                CryptographicOperations.ZeroMemory(part);
            }
        }
    }

    /// <summary>Recombines decrypted shares; the caller zeroes the result.</summary>
    /// <exception cref="KmsException">The shares do not combine into a 32-byte secret.</exception>
    public static byte[] Combine(IReadOnlyList<byte[]> shares)
    {
        if (shares is null || shares.Count < 2 || shares.Count > 255 || shares.Any(s => s is null || s.Length != 33))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "Recovery needs 2 to 255 recovery shares of 33 bytes each.");
        }

        try
        {
            return VaultShamir.Combine(shares);
        }
        catch (CryptographicException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The recovery shares do not combine: {exception.Message}");
        }
    }
}
