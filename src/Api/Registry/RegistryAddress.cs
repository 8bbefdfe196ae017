using System.Diagnostics.CodeAnalysis;

namespace Kms.Api.Registry;

/// <summary>
/// A contract address in a Go registry path, parsed as the Go system's <c>NewContractAddressFromHex</c> does: an optional
/// <c>0x</c> prefix, then exactly 40 hex characters of either case. Normalised to the onchain namespace id
/// (<c>0x</c> + lowercase hex).
/// </summary>
internal static class RegistryAddress
{
    /// <summary>Parses <paramref name="text"/>; false (and a reason) when it is not an address.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out string? namespaceId, out string error)
    {
        namespaceId = null;
        if (text is null)
        {
            error = "the address is missing";
            return false;
        }

        ReadOnlySpan<char> hex = text.AsSpan();
        if (hex.StartsWith("0x", StringComparison.Ordinal))
        {
            hex = hex[2..];
        }

        if (hex.Length != 40)
        {
            error = $"the address is 40 hex characters (with or without 0x), not {Math.Min(text.Length, 999)} characters";
            return false;
        }

        foreach (char c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                error = "the address holds a character that is not hex";
                return false;
            }
        }

        namespaceId = "0x" + hex.ToString().ToLowerInvariant();
        error = string.Empty;
        return true;
    }
}
