using System.Security.Cryptography;

namespace Kms.Crypto.Rsa;

/// <summary>
/// The workload side of <see cref="RsaSecretEncryption"/>: an RSA private key whose public half (<see cref="PublicKey"/>)
/// a workload sends to the KMS, and that opens the RSA-OAEP-256 ciphertexts the KMS returns. Only OAEP: the KMS sends
/// PKCS#1 v1.5 solely to the reference KBS, and a .NET receiver should never decrypt it.
/// </summary>
public sealed class RsaDecryptionKey : IDisposable
{
    /// <summary>The modulus size <see cref="Generate"/> uses unless told otherwise.</summary>
    public const int DefaultKeySizeInBits = 3072;

    private readonly RSA _rsa;

    private RsaDecryptionKey(RSA rsa)
    {
        _rsa = rsa;
        RSAParameters parameters = rsa.ExportParameters(includePrivateParameters: false);
        PublicKey = RsaRecipientKey.FromParameters(parameters.Modulus, parameters.Exponent);
    }

    /// <summary>The validated public key to send to the KMS.</summary>
    public RsaRecipientKey PublicKey { get; }

    /// <summary>A new key of <paramref name="keySizeInBits"/> bits (2048 to 16384).</summary>
    /// <exception cref="RsaKeyException">The size is outside the accepted range.</exception>
    public static RsaDecryptionKey Generate(int keySizeInBits = DefaultKeySizeInBits)
    {
        if (keySizeInBits is < RsaRecipientKey.MinimumModulusBits or > RsaRecipientKey.MaximumModulusBits)
        {
            throw new RsaKeyException($"The key size must be {RsaRecipientKey.MinimumModulusBits} to {RsaRecipientKey.MaximumModulusBits} bits.");
        }

        return Wrap(RSA.Create(keySizeInBits));
    }

    /// <summary>Imports a PEM private key (PKCS#8 <c>PRIVATE KEY</c> or PKCS#1 <c>RSA PRIVATE KEY</c>).</summary>
    /// <exception cref="RsaKeyException">The PEM holds no RSA private key, or the key is too weak.</exception>
    public static RsaDecryptionKey ImportPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        // RSA.ImportFromPem also takes public keys; a decryption key without its private half is a configuration
        // error that must not surface later as "the ciphertext does not decrypt".
        if (!PemEncoding.TryFind(pem, out PemFields fields)
            || pem.AsSpan()[fields.Label] is not ("PRIVATE KEY" or "RSA PRIVATE KEY"))
        {
            throw new RsaKeyException("The PEM does not hold an RSA private key.");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new RsaKeyException("The PEM does not hold an RSA private key.");
        }

        return Wrap(rsa);
    }

    /// <summary>The private key as PKCS#8 PEM (for the workload's own storage; never log it).</summary>
    public string ExportPkcs8Pem() => _rsa.ExportPkcs8PrivateKeyPem();

    /// <summary>Decrypts RSA-OAEP-256 (OAEP, SHA-256, MGF1-SHA-256, empty label).</summary>
    /// <exception cref="RsaDecryptionException">Wrong length or padding; the same error for every cause.</exception>
    public byte[] DecryptOaepSha256(ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length != PublicKey.ModulusSizeInBytes)
        {
            throw new RsaDecryptionException();
        }

        try
        {
            return _rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA256);
        }
        catch (CryptographicException)
        {
            throw new RsaDecryptionException();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _rsa.Dispose();

    private static RsaDecryptionKey Wrap(RSA rsa)
    {
        try
        {
            return new RsaDecryptionKey(rsa);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
