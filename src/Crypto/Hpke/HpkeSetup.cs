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

    /// <summary>Refuses a one-shot message too short to hold enc and the AEAD tag.</summary>
    /// <exception cref="HpkeException">The message is shorter than enc ‖ tag.</exception>
    public static void RequireSealedLength(int length, int encapsulatedKeySize)
    {
        if (length < encapsulatedKeySize + HpkeContext.TagSize)
        {
            throw new HpkeException($"The sealed message is {length} bytes; at least {encapsulatedKeySize + HpkeContext.TagSize} are required.");
        }
    }
}
