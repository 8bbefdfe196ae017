using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Hpke;
using Kms.Crypto.Rsa;
using Kms.Grains.Release;

namespace Kms.Grains.Kbs;

/// <summary>
/// A parsed <c>tee-pubkey</c>: how the secret will be sealed, and the report data the evidence must carry.
/// RSA keys bind as the reference does, SHA-512(nonce ‖ k-mod ‖ k-exp) over the strings exactly as sent (UTF-8, which is ASCII for the base64 and hex they must be);
/// X-Wing keys bind SHA-512(nonce ‖ "hpke-xwing" ‖ key) the same way.
/// </summary>
internal sealed record KbsTeeKey(string Scheme, byte[] PublicKey, byte[] ReportData)
{
    public const string RsaOaepScheme = ReleaseSealer.RsaOaepScheme;
    public const string RsaPkcs1Scheme = "rsa-pkcs1";
    public const string XWingScheme = ReleaseSealer.HpkeXWingScheme;

    private const int MaxFieldLength = 8192;

    /// <exception cref="KmsException">Unknown alg, malformed or weak key (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static KbsTeeKey Parse(KbsTeePubKey key, string nonce, bool pkcs1Compatibility)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(nonce);
        string alg = key.Alg ?? string.Empty;
        if (alg == XWingScheme)
        {
            string encoded = Required(key.Key, "key");
            byte[] publicKey = Base64(encoded, "key");
            try
            {
                HpkeXWing.ValidatePublicKey(publicKey);
            }
            catch (Exception exception) when (exception is HpkeException or ArgumentException or CryptographicException)
            {
                throw new KmsException(KmsErrorKind.MalformedInput, $"tee-pubkey.key is not an X-Wing public key ({HpkeXWing.PublicKeySize} bytes): {exception.Message}");
            }

            return new KbsTeeKey(XWingScheme, publicKey, Bind(nonce, XWingScheme, encoded));
        }

        string scheme = alg.ToUpperInvariant() switch
        {
            "RSA" => pkcs1Compatibility ? RsaPkcs1Scheme : RsaOaepScheme,
            "RSA-OAEP-256" => RsaOaepScheme,
            "RSA1_5" when pkcs1Compatibility => RsaPkcs1Scheme,
            "RSA1_5" => throw new KmsException(KmsErrorKind.MalformedInput, "RSA PKCS#1 v1.5 is disabled on this KMS; use RSA-OAEP-256 or hpke-xwing."),
            _ => throw new KmsException(KmsErrorKind.MalformedInput, "tee-pubkey.alg is one of RSA, RSA-OAEP-256, RSA1_5 and hpke-xwing."),
        };
        string modulus = Required(key.KMod, "k-mod");
        string exponent = Required(key.KExp, "k-exp");
        RsaRecipientKey rsa;
        try
        {
            rsa = RsaRecipientKey.FromBase64(modulus, exponent);
        }
        catch (CryptographicException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"tee-pubkey is not an acceptable RSA key: {exception.Message}");
        }

        using RSA platform = rsa.CreateRsa();
        return new KbsTeeKey(scheme, platform.ExportSubjectPublicKeyInfo(), Bind(nonce, modulus, exponent));
    }

    private static byte[] Bind(string nonce, string first, string second)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(Encoding.UTF8.GetBytes(nonce));
        hash.AppendData(Encoding.UTF8.GetBytes(first));
        hash.AppendData(Encoding.UTF8.GetBytes(second));
        return hash.GetHashAndReset();
    }

    private static string Required(string? value, string name) =>
        value is { Length: > 0 and <= MaxFieldLength }
            ? value
            : throw new KmsException(KmsErrorKind.MalformedInput, $"tee-pubkey.{name} is required (at most {MaxFieldLength} characters).");

    private static byte[] Base64(string value, string name)
    {
        // Strict standard base64 with padding, no whitespace: the bound string must have exactly one meaning.
        if (!KbsEncoding.IsStrictBase64(value))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"tee-pubkey.{name} is not standard base64.");
        }

        return Convert.FromBase64String(value);
    }
}
