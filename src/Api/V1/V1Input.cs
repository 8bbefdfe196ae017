using System.Security.Cryptography;

using Kms.Grains;

namespace Kms.Api.V1;

/// <summary>Strict decoding of the native API's fields; every failure names the field.</summary>
internal static class V1Input
{
    /// <summary>The largest base64 field accepted (evidence with its certificate chain fits).</summary>
    public const int MaxBase64Length = 512 * 1024;

    public static byte[] Hex32(string? value, string field)
    {
        if (value is not { Length: 64 } || !value.All(char.IsAsciiHexDigit))
        {
            throw ApiProblemException.MalformedInput($"'{field}' must be 64 hex characters (32 bytes).");
        }

        return Convert.FromHexString(value);
    }

    public static string Identity(string? value, string field = "identity") =>
        KmsNames.IsValidIdentity(value) ? value! : throw ApiProblemException.MalformedInput($"'{field}' must be 64 lowercase hex characters.");

    public static string Namespace(string? value) =>
        KmsNames.IsValidNamespace(value)
            ? value!
            : throw ApiProblemException.MalformedInput("The namespace id is 1 to 128 of A-Z, a-z, 0-9, '.', '_', ':', '-', starting with a letter or digit.");

    public static string Name(string? value, string field) =>
        KmsNames.IsValidName(value) ? value! : throw ApiProblemException.MalformedInput($"'{field}' is 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.");

    public static byte[] Base64(string? value, string field, int maxBytes = MaxBase64Length)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw ApiProblemException.MalformedInput($"'{field}' is required (base64).");
        }

        if (value.Length > (maxBytes + 2) / 3 * 4)
        {
            throw ApiProblemException.MalformedInput($"'{field}' is longer than {maxBytes} bytes.");
        }

        byte[] buffer = new byte[value.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(value, buffer, out int written) || written == 0)
        {
            throw ApiProblemException.MalformedInput($"'{field}' is not valid base64.");
        }

        return buffer[..written];
    }

    public static byte[] HexBytes(string? value, string field, int maxBytes)
    {
        if (string.IsNullOrEmpty(value) || value.Length % 2 != 0 || value.Length > maxBytes * 2 || !value.All(char.IsAsciiHexDigit))
        {
            throw ApiProblemException.MalformedInput($"'{field}' must be 1 to {maxBytes} bytes of hex.");
        }

        return Convert.FromHexString(value);
    }

    /// <summary>A P-256 SubjectPublicKeyInfo given as PEM or base64 DER; returned as DER.</summary>
    public static byte[] SubjectPublicKeyInfo(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 8192)
        {
            throw ApiProblemException.MalformedInput($"'{field}' must be a public key (PEM or base64 DER).");
        }

        try
        {
            using ECDsa key = ECDsa.Create();
            if (value.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(value);
            }
            else
            {
                key.ImportSubjectPublicKeyInfo(Base64(value, field, 4096), out _);
            }

            return key.ExportSubjectPublicKeyInfo();
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw ApiProblemException.MalformedInput($"'{field}' is not an EC public key (PEM or base64 SubjectPublicKeyInfo DER).");
        }
    }

    public static byte[] CsrDer(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem) || pem.Length > 32 * 1024)
        {
            throw ApiProblemException.MalformedInput("'csr' must be a PEM certificate request of at most 32 KiB.");
        }

        if (!PemEncoding.TryFind(pem, out PemFields fields) || pem[fields.Label] is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"))
        {
            throw ApiProblemException.MalformedInput("'csr' must be a PEM block labelled CERTIFICATE REQUEST.");
        }

        return Base64(pem[fields.Base64Data].ReplaceLineEndings(string.Empty), "csr");
    }

    public static T Required<T>(T? value, string field)
        where T : class =>
        value ?? throw ApiProblemException.MalformedInput($"'{field}' is required.");
}
