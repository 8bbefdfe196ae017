using System.Security.Cryptography;

namespace Kms.Crypto.Hpke;

/// <summary>DHKEM(X25519, HKDF-SHA256), RFC 9180 §4.1 and §7.1; the X25519 function is BouncyCastle's (constant time).</summary>
internal static class DhKemX25519
{
    public const ushort KemId = 0x0020;

    /// <summary>Nenc = Npk: a 32-byte X25519 public key.</summary>
    public const int EncapsulatedKeySize = X25519KeyPair.KeySize;

    /// <summary>Nsecret.</summary>
    public const int SharedSecretSize = 32;

    private static readonly byte[] s_suiteId = HpkeLabels.KemSuiteId(KemId);

    /// <summary>DeriveKeyPair per RFC 9180 §7.1.3 for X25519: sk = LabeledExpand(dkp_prk, "sk", "", Nsk).</summary>
    public static X25519KeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        Span<byte> dkpPrk = stackalloc byte[HpkeLabels.HashSize];
        Span<byte> privateKey = stackalloc byte[X25519KeyPair.KeySize];
        try
        {
            HpkeLabels.LabeledExtract(s_suiteId, [], "dkp_prk"u8, ikm, dkpPrk);
            HpkeLabels.LabeledExpand(s_suiteId, dkpPrk, "sk"u8, [], privateKey);
            return X25519KeyPair.FromPrivateKey(privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dkpPrk);
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>Encap with a given ephemeral key; returns shared_secret and writes enc.</summary>
    public static byte[] Encap(ReadOnlySpan<byte> recipientPublicKey, X25519KeyPair ephemeral, out byte[] encapsulatedKey)
    {
        if (recipientPublicKey.Length != X25519KeyPair.KeySize)
        {
            throw new ArgumentException($"An X25519 public key is {X25519KeyPair.KeySize} bytes.", nameof(recipientPublicKey));
        }

        encapsulatedKey = ephemeral.PublicKey.ToArray();
        return DeriveSharedSecret(ephemeral, recipientPublicKey, encapsulatedKey, recipientPublicKey, "The recipient public key");
    }

    /// <summary>Decap: checks enc's length and that DH is not all zero, and recomputes shared_secret.</summary>
    public static byte[] Decap(ReadOnlySpan<byte> encapsulatedKey, X25519KeyPair recipient)
    {
        if (encapsulatedKey.Length != EncapsulatedKeySize)
        {
            throw new HpkeException($"The encapsulated key is {encapsulatedKey.Length} bytes; an X25519 public key is {EncapsulatedKeySize}.");
        }

        return DeriveSharedSecret(recipient, encapsulatedKey, encapsulatedKey, recipient.PublicKey, "The encapsulated key");
    }

    /// <summary>shared_secret = ExtractAndExpand(DH(sk, pk), enc ‖ pkRm), refusing an all-zero DH (small-order pk).</summary>
    private static byte[] DeriveSharedSecret(X25519KeyPair privateKey, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> recipientKey, string peerName)
    {
        Span<byte> dh = stackalloc byte[X25519KeyPair.KeySize];
        Span<byte> eaePrk = stackalloc byte[HpkeLabels.HashSize];
        try
        {
            if (!privateKey.TryAgree(peer, dh))
            {
                throw new HpkeException($"{peerName} is a small-order X25519 point (the shared secret would be zero).");
            }

            byte[] kemContext = [.. enc, .. recipientKey];
            byte[] sharedSecret = new byte[SharedSecretSize];
            HpkeLabels.LabeledExtract(s_suiteId, [], "eae_prk"u8, dh, eaePrk);
            HpkeLabels.LabeledExpand(s_suiteId, eaePrk, "shared_secret"u8, kemContext, sharedSecret);
            return sharedSecret;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dh);
            CryptographicOperations.ZeroMemory(eaePrk);
        }
    }
}
