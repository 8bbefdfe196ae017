using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Kms.Crypto.Hpke;

/// <summary>
/// The X-Wing KEM, draft-connolly-cfrg-xwing-kem-10 §5: ML-KEM-768 (BouncyCastle, FIPS 203) and X25519 combined with
/// SHA3-256; HPKE KEM id 0x647A (§7). X-Wing keeps no state beyond the recipient's <see cref="XWingKeyPair"/>.
/// </summary>
// Own code because BouncyCastle's C# build has no X-Wing (its Java build has): only the combiner and seed expansion are ours.
internal static class XWingKem
{
    public const ushort KemId = 0x647A;

    /// <summary>Nenc: the ciphertext ct_M ‖ ct_X.</summary>
    public const int EncapsulatedKeySize = MlKemCiphertextSize + X25519KeyPair.KeySize;

    /// <summary>Nsecret.</summary>
    public const int SharedSecretSize = 32;

    /// <summary>The ML-KEM-768 ciphertext ct_M.</summary>
    private const int MlKemCiphertextSize = 1088;

    /// <summary>XWingLabel (§5.3): the ASCII art "\./" ‖ "/^\".</summary>
    private static ReadOnlySpan<byte> Label => [0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c];

    /// <summary>
    /// Decodes an encapsulation key: exactly 1216 bytes whose ML-KEM-768 half passes the FIPS 203 §7.2 modulus check
    /// (the draft makes a failure an HPKE EncapError).
    /// </summary>
    /// <exception cref="HpkeException">Wrong length or a pk_M that is not a valid ML-KEM-768 encapsulation key.</exception>
    public static MLKemPublicKeyParameters DecodePublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != XWingKeyPair.PublicKeySize)
        {
            throw new HpkeException($"The public key is {publicKey.Length} bytes; an X-Wing public key is {XWingKeyPair.PublicKeySize}.");
        }

        try
        {
            return MLKemPublicKeyParameters.FromEncoding(MLKemParameters.ml_kem_768, publicKey[..XWingKeyPair.MlKemPublicKeySize].ToArray());
        }
        catch (ArgumentException)
        {
            throw new HpkeException("The ML-KEM-768 part of the X-Wing public key fails the FIPS 203 encapsulation key check.");
        }
    }

    /// <summary>
    /// Encapsulate (§5.4) to <paramref name="publicKey"/> with ML-KEM randomness from <paramref name="mlKemRandom"/> and
    /// the ephemeral X25519 key <paramref name="ephemeral"/>; returns ss and writes ct. With a random that yields
    /// eseed[0:32] and an ephemeral key eseed[32:64] this is EncapsulateDerand (§5.4.1).
    /// </summary>
    /// <exception cref="HpkeException">The public key is malformed, or its X25519 half is a small-order point.</exception>
    public static byte[] Encapsulate(ReadOnlySpan<byte> publicKey, SecureRandom mlKemRandom, X25519KeyPair ephemeral, out byte[] ciphertext)
    {
        MLKemPublicKeyParameters mlKemPublicKey = DecodePublicKey(publicKey);
        ReadOnlySpan<byte> x25519PublicKey = publicKey[XWingKeyPair.MlKemPublicKeySize..];

        byte[] encapsulated = new byte[EncapsulatedKeySize];
        Span<byte> mlKemSecret = stackalloc byte[SharedSecretSize];
        Span<byte> x25519Secret = stackalloc byte[X25519KeyPair.KeySize];
        try
        {
            var encapsulator = new MLKemEncapsulator(MLKemParameters.ml_kem_768);
            encapsulator.Init(new ParametersWithRandom(mlKemPublicKey, mlKemRandom));
            encapsulator.Encapsulate(encapsulated.AsSpan(0, MlKemCiphertextSize), mlKemSecret);
            ephemeral.PublicKey.CopyTo(encapsulated.AsSpan(MlKemCiphertextSize));

            if (!ephemeral.TryAgree(x25519PublicKey, x25519Secret))
            {
                throw new HpkeException(SmallOrderMessage("The X25519 part of the public key"));
            }

            ciphertext = encapsulated;
            return Combine(mlKemSecret, x25519Secret, encapsulated.AsSpan(MlKemCiphertextSize), x25519PublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(mlKemSecret);
            CryptographicOperations.ZeroMemory(x25519Secret);
        }
    }

    /// <summary>Encapsulate with fresh randomness from the platform generator.</summary>
    /// <exception cref="HpkeException">The public key is malformed, or its X25519 half is a small-order point.</exception>
    public static byte[] Encapsulate(ReadOnlySpan<byte> publicKey, out byte[] ciphertext)
    {
        using X25519KeyPair ephemeral = X25519KeyPair.Generate();
        return Encapsulate(publicKey, CryptoServicesRegistrar.GetSecureRandom(), ephemeral, out ciphertext);
    }

    /// <summary>
    /// Decapsulate (§5.5). Any 1088-byte ct_M decapsulates (ML-KEM rejects implicitly, so a forged ct_M yields an
    /// unrelated secret and the AEAD fails); ct_X must not be a small-order point.
    /// </summary>
    /// <exception cref="HpkeException">The ciphertext is not 1120 bytes, or ct_X is a small-order point.</exception>
    public static byte[] Decapsulate(ReadOnlySpan<byte> ciphertext, XWingKeyPair recipient)
    {
        if (ciphertext.Length != EncapsulatedKeySize)
        {
            throw new HpkeException($"The encapsulated key is {ciphertext.Length} bytes; an X-Wing ciphertext is {EncapsulatedKeySize}.");
        }

        ReadOnlySpan<byte> x25519Ciphertext = ciphertext[MlKemCiphertextSize..];
        Span<byte> mlKemSecret = stackalloc byte[SharedSecretSize];
        Span<byte> x25519Secret = stackalloc byte[X25519KeyPair.KeySize];
        try
        {
            var decapsulator = new MLKemDecapsulator(MLKemParameters.ml_kem_768);
            decapsulator.Init(recipient.MlKemPrivateKey);
            decapsulator.Decapsulate(ciphertext[..MlKemCiphertextSize], mlKemSecret);

            if (!recipient.TryAgreeX25519(x25519Ciphertext, x25519Secret))
            {
                throw new HpkeException(SmallOrderMessage("The X25519 part of the encapsulated key"));
            }

            return Combine(mlKemSecret, x25519Secret, x25519Ciphertext, recipient.X25519PublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(mlKemSecret);
            CryptographicOperations.ZeroMemory(x25519Secret);
        }
    }

    /// <summary>Combiner (§5.3): SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ XWingLabel).</summary>
    private static byte[] Combine(ReadOnlySpan<byte> mlKemSecret, ReadOnlySpan<byte> x25519Secret, ReadOnlySpan<byte> x25519Ciphertext, ReadOnlySpan<byte> x25519PublicKey)
    {
        var sha3 = new Sha3Digest(256);
        sha3.BlockUpdate(mlKemSecret);
        sha3.BlockUpdate(x25519Secret);
        sha3.BlockUpdate(x25519Ciphertext);
        sha3.BlockUpdate(x25519PublicKey);
        sha3.BlockUpdate(Label);
        byte[] sharedSecret = new byte[SharedSecretSize];
        sha3.DoFinal(sharedSecret);
        return sharedSecret;
    }

    // The draft does not require this check; RFC 9180 §7.1.4 does for DHKEM(X25519) and @hpke/hybridkem-x-wing refuses
    // all-zero X25519 outputs too, so refusing keeps the two implementations in agreement and fails closed.
    private static string SmallOrderMessage(string what) => $"{what} is a small-order X25519 point (the X25519 shared secret would be zero).";
}
