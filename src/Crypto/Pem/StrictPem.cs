using System.Security.Cryptography;

namespace Kms.Crypto.Pem;

/// <summary>
/// Strict RFC 7468 decoding of documents that must contain exactly one PEM block with a given label and nothing
/// but whitespace around it (no explanatory text, no second block), bounded in size before any work is done.
/// </summary>
public static class StrictPem
{
    /// <summary>Decodes the single block of <paramref name="text"/>, which must carry <paramref name="expectedLabel"/>.</summary>
    /// <param name="text">The PEM document.</param>
    /// <param name="expectedLabel">The required label, e.g. <c>CERTIFICATE REQUEST</c>.</param>
    /// <param name="maxLength">The largest accepted document, in characters.</param>
    /// <returns>The DER bytes.</returns>
    /// <exception cref="PemFormatException">The document is not exactly one well-formed block with that label.</exception>
    public static byte[] DecodeSingle(ReadOnlySpan<char> text, string expectedLabel, int maxLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedLabel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);

        if (text.Length > maxLength)
        {
            throw new PemFormatException($"The PEM document is {text.Length} characters; at most {maxLength} are accepted.");
        }

        if (!PemEncoding.TryFind(text, out PemFields fields))
        {
            throw new PemFormatException("The document contains no well-formed PEM block.");
        }

        if (!text[..fields.Location.Start].IsWhiteSpace() || !text[fields.Location.End..].IsWhiteSpace())
        {
            throw new PemFormatException("The document must contain exactly one PEM block and nothing else.");
        }

        ReadOnlySpan<char> label = text[fields.Label];
        if (!label.SequenceEqual(expectedLabel))
        {
            throw new PemFormatException($"The PEM label is not '{expectedLabel}'.");
        }

        if (fields.DecodedDataLength == 0)
        {
            throw new PemFormatException("The PEM block is empty.");
        }

        byte[] der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out int written) || written != der.Length)
        {
            throw new PemFormatException("The PEM block is not valid base64.");
        }

        return der;
    }
}
