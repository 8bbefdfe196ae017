using System.Text;

namespace Kms.Governance.Canonical;

/// <summary>Unescapes the raw UTF-8 bytes of a JSON string token, refusing lone surrogate escapes.</summary>
internal static class JsonStringUnescaper
{
    /// <exception cref="FormatException">A lone surrogate escape or a malformed escape.</exception>
    /// <exception cref="DecoderFallbackException">Raw bytes are not valid UTF-8.</exception>
    public static string Unescape(ReadOnlySpan<byte> raw, UTF8Encoding strictUtf8)
    {
        var builder = new StringBuilder(raw.Length);
        int runStart = 0;
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                i++;
                continue;
            }

            builder.Append(strictUtf8.GetString(raw[runStart..i]));
            if (i + 1 >= raw.Length)
            {
                throw new FormatException("truncated escape");
            }

            byte kind = raw[i + 1];
            i += 2;
            switch (kind)
            {
                case (byte)'"': builder.Append('"'); break;
                case (byte)'\\': builder.Append('\\'); break;
                case (byte)'/': builder.Append('/'); break;
                case (byte)'b': builder.Append('\b'); break;
                case (byte)'f': builder.Append('\f'); break;
                case (byte)'n': builder.Append('\n'); break;
                case (byte)'r': builder.Append('\r'); break;
                case (byte)'t': builder.Append('\t'); break;
                case (byte)'u':
                    char unit = ReadHex4(raw, i);
                    i += 4;
                    if (char.IsHighSurrogate(unit))
                    {
                        if (i + 6 > raw.Length || raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u')
                        {
                            throw new FormatException("lone high surrogate escape");
                        }

                        char low = ReadHex4(raw, i + 2);
                        if (!char.IsLowSurrogate(low))
                        {
                            throw new FormatException("lone high surrogate escape");
                        }

                        builder.Append(unit).Append(low);
                        i += 6;
                    }
                    else if (char.IsLowSurrogate(unit))
                    {
                        throw new FormatException("lone low surrogate escape");
                    }
                    else
                    {
                        builder.Append(unit);
                    }

                    break;
                default:
                    throw new FormatException("unknown escape");
            }

            runStart = i;
        }

        builder.Append(strictUtf8.GetString(raw[runStart..]));
        return builder.ToString();
    }

    private static char ReadHex4(ReadOnlySpan<byte> raw, int start)
    {
        if (start + 4 > raw.Length)
        {
            throw new FormatException("truncated \\u escape");
        }

        int value = 0;
        for (int j = start; j < start + 4; j++)
        {
            int digit = HexValue(raw[j]);
            if (digit < 0)
            {
                throw new FormatException("bad \\u escape");
            }

            value = (value << 4) | digit;
        }

        return (char)value;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
