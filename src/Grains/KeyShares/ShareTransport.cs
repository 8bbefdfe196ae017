using System.Buffers.Binary;
using System.Text;
using Kms.Crypto.Hpke;
using Kms.Crypto.Sharing;

namespace Kms.Grains.KeyShares;

/// <summary>
/// Seals a share to the key-share grain that will hold it (HPKE base mode, DHKEM(X25519), AES-128-GCM), bound to that
/// grain's key and the share index, so the grains that relay it cannot read it and it opens nowhere else.
/// </summary>
internal static class ShareTransport
{
    private static ReadOnlySpan<byte> Info => "Orleans.Kms share transport v1"u8;

    public static SealedShare Seal(ScalarShare share, string recipientGrainKey, ReadOnlySpan<byte> transportKey)
    {
        byte[] encoded = share.Encode();
        try
        {
            HpkeSealedMessage message = HpkeX25519.SealMessage(
                transportKey, Info, AssociatedData(recipientGrainKey, share.Index), encoded, HpkeAead.Aes128Gcm);
            return new SealedShare(share.Index, message.EncapsulatedKey, message.Ciphertext);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <exception cref="KmsException">The share does not open for this grain or is malformed.</exception>
    public static ScalarShare Open(SealedShare sealedShare, string grainKey, X25519KeyPair transportKey)
    {
        ArgumentNullException.ThrowIfNull(sealedShare);
        byte[]? encoded = null;
        try
        {
            if (sealedShare.Encapsulation is not { Length: HpkeX25519.EncapsulatedKeySize } || sealedShare.Ciphertext is null)
            {
                throw new KmsException(KmsErrorKind.MalformedInput, "A sealed share has a malformed encapsulation.");
            }

            encoded = HpkeX25519.Open(
                transportKey, Info, AssociatedData(grainKey, sealedShare.ShareIndex),
                [.. sealedShare.Encapsulation, .. sealedShare.Ciphertext], HpkeAead.Aes128Gcm);
            ScalarShare share = ScalarShare.Decode(encoded);
            if (share.Index != sealedShare.ShareIndex)
            {
                throw new KmsException(KmsErrorKind.MalformedInput, "A sealed share carries another index than it claims.");
            }

            return share;
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The share for {grainKey} does not open: it was sealed for another holder or altered.");
        }
        finally
        {
            if (encoded is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(encoded);
            }
        }
    }

    private static byte[] AssociatedData(string grainKey, int index)
    {
        byte[] key = Encoding.UTF8.GetBytes(grainKey);
        byte[] aad = new byte[key.Length + 4];
        key.CopyTo(aad, 0);
        BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(key.Length), index);
        return aad;
    }
}
