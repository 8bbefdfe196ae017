using System.Security.Cryptography;

namespace Kms.Crypto.Rsa;

/// <summary>The RSA encryption paddings the KMS can produce.</summary>
public enum RsaSecretPadding
{
    /// <summary>RSAES-OAEP with SHA-256 and MGF1-SHA-256 (JWA <c>RSA-OAEP-256</c>); the default.</summary>
    OaepSha256 = 0,

    /// <summary>
    /// RSAES-PKCS1-v1_5. Weak: malleable and exposed to Bleichenbacher-style padding oracles on the decrypting
    /// side. Only for the reference KBS protocol, which uses it; requires
    /// <see cref="RsaSecretEncryptionOptions.AllowInsecurePkcs1V15"/>.
    /// </summary>
    Pkcs1V15 = 1,
}

/// <summary>Options for <see cref="RsaSecretEncryption"/>.</summary>
public sealed record RsaSecretEncryptionOptions
{
    /// <summary>The default options: OAEP only.</summary>
    public static RsaSecretEncryptionOptions Default { get; } = new();

    /// <summary>
    /// Allows <see cref="RsaSecretPadding.Pkcs1V15"/> for compatibility with the reference KBS. Default: <c>false</c>.
    /// </summary>
    public bool AllowInsecurePkcs1V15 { get; init; }
}

/// <summary>Encrypts secrets to a client's RSA public key.</summary>
public static class RsaSecretEncryption
{
    private const int Sha256Size = 32;

    /// <summary>The largest plaintext that fits one RSA block with the given padding.</summary>
    public static int MaxPlaintextLength(RsaRecipientKey key, RsaSecretPadding padding)
    {
        ArgumentNullException.ThrowIfNull(key);
        return padding switch
        {
            RsaSecretPadding.OaepSha256 => key.ModulusSizeInBytes - (2 * Sha256Size) - 2,
            RsaSecretPadding.Pkcs1V15 => key.ModulusSizeInBytes - 11,
            _ => throw new ArgumentOutOfRangeException(nameof(padding), padding, "Unknown padding."),
        };
    }

    /// <summary>RSA-OAEP-256: OAEP with SHA-256 and MGF1-SHA-256, empty label.</summary>
    /// <exception cref="ArgumentException">The plaintext does not fit one block.</exception>
    public static byte[] EncryptOaepSha256(RsaRecipientKey key, ReadOnlySpan<byte> plaintext) =>
        Encrypt(key, plaintext, RsaSecretPadding.OaepSha256, RsaSecretEncryptionOptions.Default);

    /// <summary>Encrypts with the given padding; PKCS#1 v1.5 only when the options allow it.</summary>
    /// <exception cref="NotSupportedException">PKCS#1 v1.5 was asked for without opting in.</exception>
    /// <exception cref="ArgumentException">The plaintext does not fit one block.</exception>
    public static byte[] Encrypt(RsaRecipientKey key, ReadOnlySpan<byte> plaintext, RsaSecretPadding padding, RsaSecretEncryptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        RSAEncryptionPadding platformPadding = padding switch
        {
            RsaSecretPadding.OaepSha256 => RSAEncryptionPadding.OaepSHA256,
            RsaSecretPadding.Pkcs1V15 when options.AllowInsecurePkcs1V15 => RSAEncryptionPadding.Pkcs1,
            RsaSecretPadding.Pkcs1V15 => throw new NotSupportedException(
                "RSA PKCS#1 v1.5 encryption is disabled; enable AllowInsecurePkcs1V15 only for reference-KBS compatibility."),
            _ => throw new ArgumentOutOfRangeException(nameof(padding), padding, "Unknown padding."),
        };

        int max = MaxPlaintextLength(key, padding);
        if (plaintext.Length > max)
        {
            throw new ArgumentException($"The plaintext is {plaintext.Length} bytes; at most {max} fit this key and padding.", nameof(plaintext));
        }

        using RSA rsa = key.CreateRsa();
        return rsa.Encrypt(plaintext, platformPadding);
    }
}
