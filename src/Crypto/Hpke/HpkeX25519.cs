namespace Kms.Crypto.Hpke;

/// <summary>
/// HPKE (RFC 9180) mode_base with DHKEM(X25519, HKDF-SHA256) (KEM 0x0020), HKDF-SHA256 (KDF 0x0001) and
/// AES-128-GCM or AES-256-GCM: the suite most HPKE clients default to, beside <see cref="HpkeP256"/>.
/// </summary>
public static class HpkeX25519
{
    /// <summary>Size of enc, the encapsulated key (an X25519 public key).</summary>
    public const int EncapsulatedKeySize = DhKemX25519.EncapsulatedKeySize;

    /// <summary>The minimum ikm length accepted by <see cref="DeriveKeyPair"/> (Nsk).</summary>
    public const int MinimumIkmSize = X25519KeyPair.KeySize;

    /// <summary>SetupBaseS: encapsulates to the 32-byte <paramref name="recipientPublicKey"/> and returns the sender context.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    /// <exception cref="HpkeException">The key is a small-order point.</exception>
    public static HpkeSenderContext SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, HpkeAead aead)
    {
        using X25519KeyPair ephemeral = X25519KeyPair.Generate();
        return SetupBaseS(recipientPublicKey, info, aead, ephemeral);
    }

    /// <summary>SetupBaseS with a caller-chosen ephemeral key (deterministic known-answer tests only).</summary>
    internal static HpkeSenderContext SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, HpkeAead aead, X25519KeyPair ephemeral)
    {
        HpkeKeySchedule.KeySize(aead);
        byte[] sharedSecret = DhKemX25519.Encap(recipientPublicKey, ephemeral, out byte[] encapsulatedKey);
        return HpkeSetup.Sender(DhKemX25519.KemId, aead, sharedSecret, info, encapsulatedKey);
    }

    /// <summary>SetupBaseR: decapsulates <paramref name="encapsulatedKey"/> with the recipient's key pair.</summary>
    /// <exception cref="HpkeException"><paramref name="encapsulatedKey"/> is not 32 bytes or is a small-order point.</exception>
    public static HpkeRecipientContext SetupBaseR(ReadOnlySpan<byte> encapsulatedKey, X25519KeyPair recipient, ReadOnlySpan<byte> info, HpkeAead aead)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        HpkeKeySchedule.KeySize(aead);
        return HpkeSetup.Recipient(DhKemX25519.KemId, aead, DhKemX25519.Decap(encapsulatedKey, recipient), info);
    }

    /// <summary>One-shot seal: <c>enc ‖ ciphertext ‖ tag</c> for a single message (sequence number 0).</summary>
    public static byte[] Seal(
        ReadOnlySpan<byte> recipientPublicKey,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> plaintext,
        HpkeAead aead = HpkeAead.Aes256Gcm) => SealMessage(recipientPublicKey, info, aad, plaintext, aead).ToArray();

    /// <summary>One-shot seal returning enc and the ciphertext separately.</summary>
    public static HpkeSealedMessage SealMessage(
        ReadOnlySpan<byte> recipientPublicKey,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> plaintext,
        HpkeAead aead = HpkeAead.Aes256Gcm)
    {
        using HpkeSenderContext sender = SetupBaseS(recipientPublicKey, info, aead);
        return sender.SealMessage(aad, plaintext);
    }

    /// <summary>One-shot open of <c>enc ‖ ciphertext ‖ tag</c> as produced by <see cref="Seal"/>.</summary>
    /// <exception cref="HpkeException">The message is malformed or does not authenticate.</exception>
    public static byte[] Open(
        X25519KeyPair recipient,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> sealedMessage,
        HpkeAead aead = HpkeAead.Aes256Gcm) =>
        HpkeSetup.OpenSealedMessage(SetupBaseR, EncapsulatedKeySize, recipient, info, aad, sealedMessage, aead);

    /// <summary>DeriveKeyPair (RFC 9180 §7.1.3): a deterministic X25519 key pair from input keying material.</summary>
    /// <exception cref="ArgumentException"><paramref name="ikm"/> is shorter than <see cref="MinimumIkmSize"/>.</exception>
    public static X25519KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        if (ikm.Length < MinimumIkmSize)
        {
            throw new ArgumentException($"The input keying material must be at least {MinimumIkmSize} bytes.", nameof(ikm));
        }

        return DhKemX25519.DeriveKeyPair(ikm);
    }
}
