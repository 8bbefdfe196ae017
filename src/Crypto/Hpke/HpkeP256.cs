using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>
/// HPKE (RFC 9180) mode_base with DHKEM(P-256, HKDF-SHA256) (KEM 0x0010), HKDF-SHA256 (KDF 0x0001) and
/// AES-128-GCM or AES-256-GCM. This is the native format in which the KMS releases secrets to workloads.
/// </summary>
public static class HpkeP256
{
    /// <summary>Size of enc, the encapsulated key (an uncompressed P-256 point).</summary>
    public const int EncapsulatedKeySize = DhKemP256.EncapsulatedKeySize;

    /// <summary>The minimum ikm length accepted by <see cref="DeriveKeyPair"/> (Nsk).</summary>
    public const int MinimumIkmSize = P256Keys.ScalarSize;

    /// <summary>SetupBaseS: encapsulates to <paramref name="recipientPublicKey"/> and returns the sender context.</summary>
    /// <exception cref="ArgumentException">The key is not a P-256 key.</exception>
    public static HpkeSenderContext SetupBaseS(ECDiffieHellman recipientPublicKey, ReadOnlySpan<byte> info, HpkeAead aead)
    {
        using ECDiffieHellman ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return SetupBaseS(recipientPublicKey, info, aead, ephemeral);
    }

    /// <summary>SetupBaseS with a caller-chosen ephemeral key (deterministic known-answer tests only).</summary>
    internal static HpkeSenderContext SetupBaseS(ECDiffieHellman recipientPublicKey, ReadOnlySpan<byte> info, HpkeAead aead, ECDiffieHellman ephemeral)
    {
        EnsureP256(recipientPublicKey, nameof(recipientPublicKey));
        HpkeKeySchedule.KeySize(aead);
        byte[] sharedSecret = DhKemP256.Encap(recipientPublicKey, ephemeral, out byte[] encapsulatedKey);
        return HpkeSetup.Sender(DhKemP256.KemId, aead, sharedSecret, info, encapsulatedKey);
    }

    /// <summary>SetupBaseR: decapsulates <paramref name="encapsulatedKey"/> with the recipient's private key.</summary>
    /// <exception cref="HpkeException"><paramref name="encapsulatedKey"/> is not a valid P-256 point.</exception>
    public static HpkeRecipientContext SetupBaseR(ReadOnlySpan<byte> encapsulatedKey, ECDiffieHellman recipientPrivateKey, ReadOnlySpan<byte> info, HpkeAead aead)
    {
        EnsureP256(recipientPrivateKey, nameof(recipientPrivateKey));
        HpkeKeySchedule.KeySize(aead);
        return HpkeSetup.Recipient(DhKemP256.KemId, aead, DhKemP256.Decap(encapsulatedKey, recipientPrivateKey), info);
    }

    /// <summary>One-shot seal: <c>enc ‖ ciphertext ‖ tag</c> for a single message (sequence number 0).</summary>
    /// <param name="recipientPublicKey">The recipient's P-256 key.</param>
    /// <param name="info">Application context bound into the key schedule (e.g. purpose and key id).</param>
    /// <param name="aad">Additional authenticated data.</param>
    /// <param name="plaintext">The secret.</param>
    /// <param name="aead">The AEAD; AES-256-GCM unless the recipient asks otherwise.</param>
    public static byte[] Seal(
        ECDiffieHellman recipientPublicKey,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> plaintext,
        HpkeAead aead = HpkeAead.Aes256Gcm)
    {
        HpkeSealedMessage message = SealMessage(recipientPublicKey, info, aad, plaintext, aead);
        return message.ToArray();
    }

    /// <summary>One-shot seal returning enc and the ciphertext separately.</summary>
    public static HpkeSealedMessage SealMessage(
        ECDiffieHellman recipientPublicKey,
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
        ECDiffieHellman recipientPrivateKey,
        ReadOnlySpan<byte> info,
        ReadOnlySpan<byte> aad,
        ReadOnlySpan<byte> sealedMessage,
        HpkeAead aead = HpkeAead.Aes256Gcm) =>
        HpkeSetup.OpenSealedMessage(SetupBaseR, EncapsulatedKeySize, recipientPrivateKey, info, aad, sealedMessage, aead);

    /// <summary>DeriveKeyPair (RFC 9180 §7.1.3): a deterministic P-256 key pair from input keying material.</summary>
    /// <exception cref="ArgumentException"><paramref name="ikm"/> is shorter than <see cref="MinimumIkmSize"/>.</exception>
    public static ECDiffieHellman DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        if (ikm.Length < MinimumIkmSize)
        {
            throw new ArgumentException($"The input keying material must be at least {MinimumIkmSize} bytes.", nameof(ikm));
        }

        return DhKemP256.DeriveKeyPair(ikm);
    }

    /// <summary>SerializePublicKey: the 65-byte uncompressed point.</summary>
    public static byte[] SerializePublicKey(ECDiffieHellman key)
    {
        EnsureP256(key, nameof(key));
        return P256Keys.ExportUncompressedPoint(key);
    }

    /// <summary>DeserializePublicKey: validates and imports a 65-byte uncompressed point.</summary>
    /// <exception cref="HpkeException">Wrong length, prefix, or not on the curve.</exception>
    public static ECDiffieHellman DeserializePublicKey(ReadOnlySpan<byte> publicKey) =>
        P256Keys.TryImportUncompressedPoint(publicKey)
            ?? throw new HpkeException($"The public key is not an uncompressed P-256 point ({EncapsulatedKeySize} bytes, on the curve).");

    private static void EnsureP256(ECDiffieHellman key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (!P256Keys.IsP256(key))
        {
            throw new ArgumentException("The key must be a P-256 key.", paramName);
        }
    }
}

/// <summary>A single HPKE-sealed message: the encapsulated key and ciphertext ‖ tag.</summary>
/// <param name="Aead">The AEAD the ciphertext was sealed with.</param>
/// <param name="EncapsulatedKey">enc (65 bytes for P-256, 32 for X25519, 1120 for X-Wing).</param>
/// <param name="Ciphertext">ciphertext ‖ tag.</param>
public sealed record HpkeSealedMessage(HpkeAead Aead, byte[] EncapsulatedKey, byte[] Ciphertext)
{
    /// <summary>The concatenation enc ‖ ciphertext ‖ tag.</summary>
    public byte[] ToArray() => [.. EncapsulatedKey, .. Ciphertext];
}
