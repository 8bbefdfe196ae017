using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Kms.Attestation.Azure;

/// <summary>
/// A JWS in compact form (header.payload.signature, base64url without padding), decoded once: the header's alg, kid and
/// whether it has crit; the payload JSON (parsed, duplicate member names refused); the signature; the signing input.
/// Nothing is verified here. Owns the payload document: dispose it.
/// </summary>
internal sealed class MaaCompactToken : IDisposable
{
    /// <summary>The largest token accepted (64 KiB).</summary>
    public const int MaxTokenLength = 64 * 1024;

    // Duplicate names are refused: two readers of the same signed JSON could otherwise each see a different value.
    private static readonly JsonDocumentOptions s_options = new() { AllowDuplicateProperties = false, MaxDepth = 32 };
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private MaaCompactToken(string token, int signingInputLength, string? alg, string? kid, bool hasCrit, string payloadJson, JsonDocument payload, byte[] signature)
    {
        Token = token;
        SigningInputLength = signingInputLength;
        Alg = alg;
        Kid = kid;
        HasCrit = hasCrit;
        PayloadJson = payloadJson;
        Payload = payload;
        Signature = signature;
    }

    /// <summary>The token (trimmed).</summary>
    public string Token { get; }

    /// <summary>Length of "header.payload", the signed characters.</summary>
    public int SigningInputLength { get; }

    public string? Alg { get; }

    public string? Kid { get; }

    public bool HasCrit { get; }

    public string PayloadJson { get; }

    public JsonDocument Payload { get; }

    public byte[] Signature { get; }

    /// <summary>Decodes <paramref name="token"/>. Throws Malformed on anything that is not a compact JWS with JSON object header and payload.</summary>
    public static MaaCompactToken Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > MaxTokenLength)
        {
            throw AttestationException.Malformed("The token is too large.");
        }

        token = token.Trim();
        int first = token.IndexOf('.');
        int second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || token.IndexOf('.', second + 1) >= 0)
        {
            throw AttestationException.Malformed("The token is not a compact JWS (header.payload.signature).");
        }

        byte[] header = Decode(token.AsSpan(0, first), "header");
        (string? alg, string? kid, bool hasCrit) = ReadHeader(header);
        byte[] signature = Decode(token.AsSpan(second + 1), "signature");
        string payloadJson;
        JsonDocument payload;
        try
        {
            payloadJson = s_strictUtf8.GetString(Decode(token.AsSpan(first + 1, second - first - 1), "payload"));
            payload = JsonDocument.Parse(payloadJson, s_options);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The token payload is not JSON without duplicate claims.", e);
        }

        if (payload.RootElement.ValueKind != JsonValueKind.Object)
        {
            payload.Dispose();
            throw AttestationException.Malformed("The token payload is not a JSON object.");
        }

        return new MaaCompactToken(token, second, alg, kid, hasCrit, payloadJson, payload, signature);
    }

    /// <summary>True when <paramref name="rsa"/> verifies the RS256 signature over the signing input.</summary>
    public bool VerifyRs256(System.Security.Cryptography.RSA rsa)
    {
        // The signing input is ASCII (base64url and '.'), so one byte per character.
        byte[] rented = ArrayPool<byte>.Shared.Rent(SigningInputLength);
        try
        {
            int length = Encoding.ASCII.GetBytes(Token.AsSpan(0, SigningInputLength), rented);
            return rsa.VerifyData(rented.AsSpan(0, length), Signature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Dispose() => Payload.Dispose();

    private static byte[] Decode(ReadOnlySpan<char> part, string what)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"The token {what} is not base64url.", e);
        }
    }

    private static (string? Alg, string? Kid, bool HasCrit) ReadHeader(byte[] header)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(header, s_options);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw AttestationException.Malformed("The token header is not a JSON object.");
            }

            return (StringMember(root, "alg"), StringMember(root, "kid"), root.TryGetProperty("crit", out _));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an escape that is not valid UTF-16 (a lone surrogate).
            throw new AttestationException(AttestationFailureKind.Malformed, "The token header is not JSON without duplicate names.", e);
        }
    }

    private static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
