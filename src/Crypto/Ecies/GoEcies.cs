using System.Buffers.Binary;
using System.Security.Cryptography;
using Kms.Crypto.Hpke;
using Kms.Crypto.Pem;

namespace Kms.Crypto.Ecies;

/// <summary>
/// ECIES byte-compatible with the Go TEE registry system's <c>EncryptWithPublicKey</c> /
/// <c>DecryptWithPrivateKey</c>: P-256 ephemeral key, AES-256-GCM with key
/// <c>SHA-256(x.Bytes())</c> where <c>x</c> is the shared x coordinate with its leading zero bytes stripped
/// (Go <c>big.Int.Bytes()</c>), no AAD, and the wire format
/// <c>uint16_be(65) ‖ uncompressed ephemeral point ‖ IV(12) ‖ ciphertext ‖ tag(16)</c>.
/// </summary>
/// <remarks>
/// The scheme has no KDF info, no salt and no binding of the ephemeral key beyond the GCM tag; it exists for
/// wire compatibility only. The Go code accepts any Go curve; every deployment uses P-256, and only P-256 is
/// accepted here (other curves are an explicit <see cref="ArgumentException"/>). New protocols use HPKE (<c>Kms.Crypto.Hpke</c>).
/// </remarks>
public static class GoEcies
{
    /// <summary>Length of the uncompressed P-256 point: 0x04 ‖ X(32) ‖ Y(32).</summary>
    public const int PointSize = 65;

    /// <summary>AES-GCM IV size used by the Go system.</summary>
    public const int IvSize = 12;

    /// <summary>AES-GCM tag size.</summary>
    public const int TagSize = 16;

    /// <summary>Fixed overhead of a message: length prefix, point, IV and tag.</summary>
    public const int Overhead = 2 + PointSize + IvSize + TagSize;

    private const int CoordinateSize = 32;

    /// <summary>The bound on key PEM documents read by the import helpers.</summary>
    private const int MaxKeyPemLength = 4096;

    /// <summary>
    /// Imports a recipient key as the Go system stores it: a PKIX <c>PUBLIC KEY</c> PEM (exactly one block) holding a
    /// P-256 key.
    /// </summary>
    /// <exception cref="EciesException">The PEM or the key is invalid or not P-256.</exception>
    public static ECDiffieHellman ImportPublicKeyPem(string pem) =>
        ImportKeyPem(pem, "PUBLIC KEY", static (key, der) => key.ImportSubjectPublicKeyInfo(der, out _));

    /// <summary>Imports a decryption key as the Go system stores it: a SEC1 <c>EC PRIVATE KEY</c> PEM on P-256.</summary>
    /// <exception cref="EciesException">The PEM or the key is invalid or not P-256.</exception>
    public static ECDiffieHellman ImportPrivateKeyPem(string pem) =>
        ImportKeyPem(pem, "EC PRIVATE KEY", static (key, der) => key.ImportECPrivateKey(der, out _));

    /// <summary>Encrypts <paramref name="plaintext"/> to a P-256 public key.</summary>
    /// <param name="recipientPublicKey">A P-256 key; only its public part is used.</param>
    /// <param name="plaintext">The message; may be empty.</param>
    /// <returns>The Go wire format.</returns>
    /// <exception cref="ArgumentException">The key is not a P-256 key.</exception>
    public static byte[] Encrypt(ECDiffieHellman recipientPublicKey, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(recipientPublicKey);
        using ECDiffieHellman ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Span<byte> iv = stackalloc byte[IvSize];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(recipientPublicKey, plaintext, ephemeral, iv);
    }

    /// <summary>Encrypts with a caller-chosen ephemeral key and IV; only for known-answer tests.</summary>
    internal static byte[] Encrypt(
        ECDiffieHellman recipientPublicKey,
        ReadOnlySpan<byte> plaintext,
        ECDiffieHellman ephemeral,
        ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(recipientPublicKey);
        ArgumentNullException.ThrowIfNull(ephemeral);
        if (iv.Length != IvSize)
        {
            throw new ArgumentException($"The IV must be {IvSize} bytes.", nameof(iv));
        }

        EnsureP256(recipientPublicKey, nameof(recipientPublicKey));
        EnsureP256(ephemeral, nameof(ephemeral));

        byte[] output = new byte[Overhead + plaintext.Length];
        BinaryPrimitives.WriteUInt16BigEndian(output, PointSize);
        WriteUncompressedPoint(ephemeral.ExportParameters(includePrivateParameters: false), output.AsSpan(2, PointSize));
        iv.CopyTo(output.AsSpan(2 + PointSize, IvSize));

        byte[] sharedX = P256Keys.DeriveSharedX(ephemeral, recipientPublicKey);
        Span<byte> aesKey = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            DeriveAesKey(sharedX, aesKey);
            using var aes = new AesGcm(aesKey, TagSize);
            int ciphertextOffset = 2 + PointSize + IvSize;
            aes.Encrypt(
                iv,
                plaintext,
                output.AsSpan(ciphertextOffset, plaintext.Length),
                output.AsSpan(ciphertextOffset + plaintext.Length, TagSize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedX);
            CryptographicOperations.ZeroMemory(aesKey);
        }

        return output;
    }

    /// <summary>Decrypts a message in the Go wire format.</summary>
    /// <param name="recipientPrivateKey">The P-256 private key the message was encrypted to.</param>
    /// <param name="message">The wire-format message.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="EciesException">The message is malformed or does not authenticate.</exception>
    public static byte[] Decrypt(ECDiffieHellman recipientPrivateKey, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(recipientPrivateKey);
        EnsureP256(recipientPrivateKey, nameof(recipientPrivateKey));

        if (message.Length < 2)
        {
            throw new EciesException("The message is shorter than its length prefix.");
        }

        int pointLength = BinaryPrimitives.ReadUInt16BigEndian(message);
        if (pointLength != PointSize)
        {
            throw new EciesException($"The ephemeral key length prefix is {pointLength}; a P-256 uncompressed point has {PointSize} bytes.");
        }

        if (message.Length < Overhead)
        {
            throw new EciesException($"The message is {message.Length} bytes; at least {Overhead} are required.");
        }

        ReadOnlySpan<byte> point = message.Slice(2, PointSize);
        ReadOnlySpan<byte> iv = message.Slice(2 + PointSize, IvSize);
        ReadOnlySpan<byte> sealedData = message[(2 + PointSize + IvSize)..];
        ReadOnlySpan<byte> ciphertext = sealedData[..^TagSize];
        ReadOnlySpan<byte> tag = sealedData[^TagSize..];

        using ECDiffieHellman ephemeral = ImportUncompressedPoint(point);
        byte[] sharedX = P256Keys.DeriveSharedX(recipientPrivateKey, ephemeral);
        Span<byte> aesKey = stackalloc byte[SHA256.HashSizeInBytes];
        byte[] plaintext = new byte[ciphertext.Length];
        try
        {
            DeriveAesKey(sharedX, aesKey);
            using var aes = new AesGcm(aesKey, TagSize);
            aes.Decrypt(iv, ciphertext, tag, plaintext);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new EciesException("The message does not authenticate under this key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedX);
            CryptographicOperations.ZeroMemory(aesKey);
        }
    }

    /// <summary>
    /// key = SHA-256 of the big-endian x coordinate without leading zero bytes, as Go's
    /// <c>sha256.Sum256(x.Bytes())</c>; an all-zero x cannot occur for a point of prime order.
    /// </summary>
    internal static void DeriveAesKey(ReadOnlySpan<byte> sharedX, Span<byte> destination)
    {
        int start = 0;
        while (start < sharedX.Length && sharedX[start] == 0)
        {
            start++;
        }

        SHA256.HashData(sharedX[start..], destination);
    }

    private static ECDiffieHellman ImportUncompressedPoint(ReadOnlySpan<byte> point) =>
        // The import validates that the point lies on the curve (an invalid-curve point would leak bits of the
        // recipient key).
        P256Keys.TryImportUncompressedPoint(point)
            ?? throw new EciesException("The ephemeral key is not an uncompressed point on P-256.");

    private static ECDiffieHellman ImportKeyPem(string pem, string label, Action<ECDiffieHellman, byte[]> import)
    {
        ArgumentNullException.ThrowIfNull(pem);
        byte[] der;
        try
        {
            der = StrictPem.DecodeSingle(pem, label, MaxKeyPemLength);
        }
        catch (PemFormatException e)
        {
            throw new EciesException(e.Message);
        }

        var key = ECDiffieHellman.Create();
        try
        {
            import(key, der);
            if (!P256Keys.IsP256(key))
            {
                throw new EciesException("The key is not a P-256 key.");
            }

            return key;
        }
        catch (CryptographicException e) when (e is not EciesException)
        {
            key.Dispose();
            throw new EciesException("The key could not be decoded.");
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static void WriteUncompressedPoint(ECParameters parameters, Span<byte> destination)
    {
        destination[0] = 0x04;
        parameters.Q.X.AsSpan().CopyTo(destination.Slice(1, CoordinateSize));
        parameters.Q.Y.AsSpan().CopyTo(destination.Slice(1 + CoordinateSize, CoordinateSize));
    }

    private static void EnsureP256(ECDiffieHellman key, string paramName)
    {
        if (!P256Keys.IsP256(key))
        {
            throw new ArgumentException("The key must be a P-256 key.", paramName);
        }
    }
}
