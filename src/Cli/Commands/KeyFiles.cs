using System.Security.Cryptography;
using Kms.Crypto.Hpke;

namespace Kms.Cli.Commands;

/// <summary>The key files the CLI reads: P-256 admin keys, X25519 recovery keys (openssl PEM or raw base64).</summary>
internal static class KeyFiles
{
    // DER prefixes of an X25519 SubjectPublicKeyInfo and PKCS#8 key (RFC 8410), followed by the 32 key bytes.
    private static ReadOnlySpan<byte> X25519SpkiPrefix => [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00];

    private static ReadOnlySpan<byte> X25519Pkcs8Prefix => [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20];

    /// <summary>A P-256 public key (SubjectPublicKeyInfo DER) from a PEM file holding a public or private key.</summary>
    public static byte[] P256PublicKey(string file)
    {
        string pem = CliFiles.ReadText(file, "signing key", 64 * 1024);
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return key.KeySize == 256 ? key.ExportSubjectPublicKeyInfo() : throw new CryptographicException();
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new CliUsageException($"The signing key {file} is not a P-256 key in PEM.");
        }
    }

    /// <summary>A raw 32-byte X25519 public key from an openssl PEM ("PUBLIC KEY") or base64 file.</summary>
    public static byte[] X25519PublicKey(string file) => X25519(file, "PUBLIC KEY", X25519SpkiPrefix, "recovery public key");

    /// <summary>An X25519 key pair from an openssl PEM ("PRIVATE KEY") or base64 file.</summary>
    public static X25519KeyPair X25519PrivateKey(string file)
    {
        byte[] raw = X25519(file, "PRIVATE KEY", X25519Pkcs8Prefix, "recovery private key");
        try
        {
            return X25519KeyPair.FromPrivateKey(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static byte[] X25519(string file, string label, ReadOnlySpan<byte> prefix, string what)
    {
        string text = CliFiles.ReadText(file, what, 16 * 1024).Trim();
        byte[] der;
        try
        {
            der = PemEncoding.TryFind(text, out PemFields fields)
                ? text.AsSpan()[fields.Label].SequenceEqual(label) ? Convert.FromBase64String(text[fields.Base64Data]) : []
                : Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            der = [];
        }

        if (der.Length == 32)
        {
            return der;
        }

        if (der.Length == prefix.Length + 32 && der.AsSpan(0, prefix.Length).SequenceEqual(prefix))
        {
            return der[prefix.Length..];
        }

        throw new CliUsageException($"The {what} {file} is not an X25519 key (openssl PEM \"{label}\" or 32 bytes in base64).");
    }
}
