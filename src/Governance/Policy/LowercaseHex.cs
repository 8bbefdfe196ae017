using System.Diagnostics.CodeAnalysis;

namespace Kms.Governance.Policy;

/// <summary>Strict lowercase hex decoding: one spelling per value, so a signed document has one meaning.</summary>
internal static class LowercaseHex
{
    public static bool TryDecode(string? text, int expectedBytes, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null || text.Length != expectedBytes * 2)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        bytes = Convert.FromHexString(text);
        return true;
    }
}
