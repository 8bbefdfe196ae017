using System.Buffers;
using System.Text;

namespace Kms.Governance.Canonical;

/// <summary>Writes a string as RFC 8785 §3.2.2.2 prescribes: minimal escaping, everything else as UTF-8.</summary>
internal static class CanonicalStringWriter
{
    private static readonly byte[] s_hex = "0123456789abcdef"u8.ToArray();

    public static void Write(string value, IBufferWriter<byte> output)
    {
        Append(output, (byte)'"');
        int runStart = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            AppendUtf8(output, value.AsSpan(runStart, i - runStart));
            runStart = i + 1;
            switch (c)
            {
                case '"': AppendTwo(output, (byte)'"'); break;
                case '\\': AppendTwo(output, (byte)'\\'); break;
                case '\b': AppendTwo(output, (byte)'b'); break;
                case '\f': AppendTwo(output, (byte)'f'); break;
                case '\n': AppendTwo(output, (byte)'n'); break;
                case '\r': AppendTwo(output, (byte)'r'); break;
                case '\t': AppendTwo(output, (byte)'t'); break;
                default:
                    Span<byte> escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = s_hex[c >> 4];
                    escape[5] = s_hex[c & 0xF];
                    output.Advance(6);
                    break;
            }
        }

        AppendUtf8(output, value.AsSpan(runStart));
        Append(output, (byte)'"');
    }

    private static void AppendUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        // Strings reaching here were validated on input (no lone surrogates), so the encoding is exact.
        int count = Encoding.UTF8.GetByteCount(chars);
        Span<byte> span = output.GetSpan(count);
        Encoding.UTF8.GetBytes(chars, span);
        output.Advance(count);
    }

    private static void AppendTwo(IBufferWriter<byte> output, byte escaped)
    {
        Span<byte> span = output.GetSpan(2);
        span[0] = (byte)'\\';
        span[1] = escaped;
        output.Advance(2);
    }

    private static void Append(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
