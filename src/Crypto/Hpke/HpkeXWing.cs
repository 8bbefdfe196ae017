using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Security;

namespace Kms.Crypto.Hpke;

/// <summary>
/// HPKE (RFC 9180) mode_base with the X-Wing hybrid post-quantum KEM (ML-KEM-768 + X25519, KEM 0x647A,
/// draft-connolly-cfrg-xwing-kem-10 §5.6), HKDF-SHA256 (KDF 0x0001) and AES-128-GCM or AES-256-GCM, beside the
/// classical <see cref="HpkeP256"/> and <see cref="HpkeX25519"/>. A secret sealed this way stays confidential if either
/// ML-KEM-768 or X25519 holds, so recording it today does not help a future quantum attacker.
/// </summary>
public static class HpkeXWing
{
    /// <summary>Npk: the public key pk_M ‖ pk_X.</summary>
    public const int PublicKeySize = XWingKeyPair.PublicKeySize;

    /// <summary>Nenc: the encapsulated key ct_M ‖ ct_X.</summary>
    public const int EncapsulatedKeySize = XWingKem.EncapsulatedKeySize;

    /// <summary>Nsk: the private key, a seed.</summary>
    public const int PrivateKeySize = XWingKeyPair.SeedSize;

    /// <summary>The minimum ikm length accepted by <see cref="DeriveKeyPair"/> (RFC 9180 asks for Nsk bytes of entropy).</summary>
    public const int MinimumIkmSize = XWingKeyPair.SeedSize;

    /// <summary>SetupBaseS: encapsulates to the 1216-byte <paramref name="recipientPublicKey"/> and returns the sender context.</summary>
    /// <exception cref="HpkeException">The public key is not a valid X-Wing public key.</exception>
    public static HpkeSenderContext SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, HpkeAead aead)
    {
        using X25519KeyPair ephemeral = X25519KeyPair.Generate();
        return SetupBaseS(recipientPublicKey, info, aead, CryptoServicesRegistrar.GetSecureRandom(), ephemeral);
    }

    /// <summary>SetupBaseS with caller-chosen encapsulation randomness (deterministic known-answer tests only).</summary>
    internal static HpkeSenderContext SetupBaseS(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, HpkeAead aead, SecureRandom mlKemRandom, X25519KeyPair ephemeral)
    {
        HpkeKeySchedule.KeySize(aead);
        byte[] sharedSecret = XWingKem.Encapsulate(recipientPublicKey, mlKemRandom, ephemeral, out byte[] encapsulatedKey);
        return HpkeSetup.Sender(XWingKem.KemId, aead, sharedSecret, info, encapsulatedKey);
    }

    /// <summary>SetupBaseR: decapsulates <paramref name="encapsulatedKey"/> with the recipient's key pair.</summary>
    /// <exception cref="HpkeException"><paramref name="encapsulatedKey"/> is not 1120 bytes or its X25519 part is a small-order point.</exception>
    public static HpkeRecipientContext SetupBaseR(ReadOnlySpan<byte> encapsulatedKey, XWingKeyPair recipient, ReadOnlySpan<byte> info, HpkeAead aead)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        HpkeKeySchedule.KeySize(aead);
        return HpkeSetup.Recipient(XWingKem.KemId, aead, XWingKem.Decapsulate(encapsulatedKey, recipient), info);
    }

    /// <summary>One-shot seal: <c>enc ‖ ciphertext ‖ tag</c> for a single message (sequence number 0).</summary>
    /// <exception cref="HpkeException">The public key is not a valid X-Wing public key.</exception>
    public static byte[] Seal(
        ReadOnlySpan<byte> recipientPublicKey,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> plaintext,
        HpkeAead aead = HpkeAead.Aes256Gcm) => SealMessage(recipientPublicKey, info, aad, plaintext, aead).ToArray();

    /// <summary>One-shot seal returning enc and the ciphertext separately.</summary>
    /// <exception cref="HpkeException">The public key is not a valid X-Wing public key.</exception>
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
        XWingKeyPair recipient,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> sealedMessage,
        HpkeAead aead = HpkeAead.Aes256Gcm) =>
        HpkeSetup.OpenSealedMessage(SetupBaseR, EncapsulatedKeySize, recipient, info, aad, sealedMessage, aead);

    /// <summary>DeriveKeyPair (§5.6): sk = SHAKE256(ikm, 32 bytes), then the key pair of that seed.</summary>
    /// <remarks>
    /// This is the X-Wing draft's and @hpke/hybridkem-x-wing's derivation. draft-ietf-hpke-pq (MLKEM768-X25519, the
    /// same KEM id) derives the seed with SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32) instead, so the same ikm
    /// gives another key pair there; keys, ciphertexts and shared secrets are otherwise identical.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="ikm"/> is shorter than <see cref="MinimumIkmSize"/>.</exception>
    public static XWingKeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        if (ikm.Length < MinimumIkmSize)
        {
            throw new ArgumentException($"The input keying material must be at least {MinimumIkmSize} bytes.", nameof(ikm));
        }

        Span<byte> seed = stackalloc byte[XWingKeyPair.SeedSize];
        try
        {
            var shake = new ShakeDigest(256);
            shake.BlockUpdate(ikm);
            shake.OutputFinal(seed);
            return XWingKeyPair.FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// DeserializePublicKey: checks that <paramref name="publicKey"/> is 1216 bytes and that its ML-KEM-768 part passes
    /// the FIPS 203 encapsulation key check, so a request can be refused before any secret is sealed to it.
    /// </summary>
    /// <exception cref="HpkeException">The public key is malformed.</exception>
    public static void ValidatePublicKey(ReadOnlySpan<byte> publicKey) => XWingKem.DecodePublicKey(publicKey);
}
