namespace Kms.Grains.Kbs;

/// <summary>Strict text encodings of the KBS and tee-guardian wire formats.</summary>
internal static class KbsEncoding
{
    /// <summary>Standard base64 (RFC 4648 §4) with padding and nothing else: no whitespace, no base64url.</summary>
    public static bool IsStrictBase64(string? value)
    {
        if (value is null || value.Length == 0 || value.Length % 4 != 0)
        {
            return false;
        }

        int padding = value.EndsWith("==", StringComparison.Ordinal) ? 2 : value.EndsWith('=') ? 1 : 0;
        for (int i = 0; i < value.Length - padding; i++)
        {
            char c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decodes strict standard base64, or returns <see langword="null"/>.</summary>
    public static byte[]? TryBase64(string? value) => IsStrictBase64(value) ? Convert.FromBase64String(value!) : null;

    /// <summary>Decodes hex of exactly <paramref name="bytes"/> bytes (either case), or returns <see langword="null"/>.</summary>
    public static byte[]? TryHex(string? value, int bytes) =>
        value is not null && value.Length == bytes * 2 && value.All(Uri.IsHexDigit) ? Convert.FromHexString(value) : null;
}
