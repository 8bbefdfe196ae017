using System.Globalization;
using System.Numerics;

namespace Kms.Governance.JsonRpc;

/// <summary>Strict conversions between Ethereum JSON-RPC hex strings and values.</summary>
public static class HexConvert
{
    /// <summary>"0x" + lowercase hex of the bytes ("0x" for empty).</summary>
    public static string ToHex(ReadOnlySpan<byte> data) => "0x" + Convert.ToHexStringLower(data);

    /// <summary>A QUANTITY: "0x" + minimal hex ("0x0" for zero).</summary>
    public static string ToQuantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Quantities are unsigned.");
        }

        if (value.IsZero)
        {
            return "0x0";
        }

        string hex = Convert.ToHexStringLower(value.ToByteArray(isUnsigned: true, isBigEndian: true)).TrimStart('0');
        return "0x" + hex;
    }

    /// <summary>Parses DATA: "0x" followed by an even number of hex digits.</summary>
    /// <exception cref="FormatException">Malformed hex.</exception>
    public static byte[] ParseData(string? text)
    {
        if (text is null || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.Length % 2 != 0)
        {
            throw new FormatException("Expected 0x-prefixed hex data with an even number of digits.");
        }

        try
        {
            return Convert.FromHexString(text.AsSpan(2));
        }
        catch (FormatException)
        {
            throw new FormatException("The data contains a character that is not a hex digit.");
        }
    }

    /// <summary>Parses a QUANTITY of at most 256 bits ("0x0", "0x1b4"; leading zeros tolerated).</summary>
    /// <exception cref="FormatException">Malformed or longer than 256 bits.</exception>
    public static BigInteger ParseQuantity(string? text)
    {
        if (text is null || text.Length < 3 || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.Length > 66)
        {
            throw new FormatException("Expected a 0x-prefixed hex quantity of at most 256 bits.");
        }

        foreach (char c in text.AsSpan(2))
        {
            if (!char.IsAsciiHexDigit(c))
            {
                throw new FormatException("The quantity contains a character that is not a hex digit.");
            }
        }

        return BigInteger.Parse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a QUANTITY that must fit in 64 bits.</summary>
    public static ulong ParseUInt64(string? text)
    {
        BigInteger value = ParseQuantity(text);
        return value <= ulong.MaxValue ? (ulong)value : throw new FormatException("The quantity does not fit in 64 bits.");
    }
}
