using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>The KEM-independent half of SetupBaseS / SetupBaseR: key schedule from a KEM shared secret, then a context.</summary>
internal static class HpkeSetup
{
    /// <summary>Builds the sender context and wipes <paramref name="sharedSecret"/>.</summary>
    public static HpkeSenderContext Sender(ushort kemId, HpkeAead aead, byte[] sharedSecret, ReadOnlySpan<byte> info, byte[] encapsulatedKey)
    {
        try
        {
            return new HpkeSenderContext(aead, HpkeKeySchedule.DeriveBase(kemId, aead, sharedSecret, info), encapsulatedKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary>Builds the recipient context and wipes <paramref name="sharedSecret"/>.</summary>
    public static HpkeRecipientContext Recipient(ushort kemId, HpkeAead aead, byte[] sharedSecret, ReadOnlySpan<byte> info)
    {
        try
        {
            return new HpkeRecipientContext(aead, HpkeKeySchedule.DeriveBase(kemId, aead, sharedSecret, info));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary>
    /// One-shot open of <c>enc ‖ ciphertext ‖ tag</c> with a suite's SetupBaseR: refuses a message too short to hold
    /// enc and the AEAD tag, then opens the message at sequence number 0.
    /// </summary>
    /// <exception cref="HpkeException">The message is malformed or does not authenticate.</exception>
    public static byte[] OpenSealedMessage<TKey>(
        RecipientSetup<TKey> setupBaseR,
        int encapsulatedKeySize,
        TKey recipient,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> sealedMessage,
        HpkeAead aead)
    {
        if (sealedMessage.Length < encapsulatedKeySize + HpkeContext.TagSize)
        {
            throw new HpkeException($"The sealed message is {sealedMessage.Length} bytes; at least {encapsulatedKeySize + HpkeContext.TagSize} are required.");
        }

        using HpkeRecipientContext context = setupBaseR(sealedMessage[..encapsulatedKeySize], recipient, info, aead);
        return context.Open(aad, sealedMessage[encapsulatedKeySize..]);
    }
}

/// <summary>A suite's SetupBaseR: decapsulates enc with the recipient's key and runs the key schedule.</summary>
internal delegate HpkeRecipientContext RecipientSetup<in TKey>(ReadOnlySpan<byte> encapsulatedKey, TKey recipient, ReadOnlySpan<byte> info, HpkeAead aead);
