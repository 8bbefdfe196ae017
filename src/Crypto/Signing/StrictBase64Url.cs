using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Kms.Crypto.Signing;

/// <summary>
/// Unpadded base64url (RFC 4648 §5) that accepts exactly one text per byte string: the alphabet only, no padding,
/// no whitespace, and zero unused trailing bits (the framework decoder tolerates padding, whitespace and stray bits).
/// </summary>
internal static class StrictBase64Url
{
    private static readonly SearchValues<char> s_alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>Decodes <paramref name="text"/> when it is canonical and decodes to a length in the range.</summary>
    public static bool TryDecode(string text, int minBytes, int maxBytes, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        // Lengths outside the range are refused before decoding so hostile input cannot make us allocate.
        if (text.Length < EncodedLength(minBytes) || text.Length > EncodedLength(maxBytes)
            || text.Length % 4 == 1 || text.AsSpan().IndexOfAnyExcept(s_alphabet) >= 0)
        {
            return false;
        }

        byte[] decoded = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        OperationStatus status = Base64Url.DecodeFromChars(text, decoded, out int consumed, out int written);
        if (status != OperationStatus.Done || consumed != text.Length || written < minBytes || written > maxBytes)
        {
            return false;
        }

        // Re-encoding catches what the decoder forgives (e.g. non-zero unused trailing bits in some versions).
        decoded = decoded[..written];
        if (!string.Equals(Base64Url.EncodeToString(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    private static int EncodedLength(int byteCount) => ((byteCount * 4) + 2) / 3;
}
