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

    private MaaCompactToken(byte[] token, int signingInputLength, string? alg, string? kid, bool hasCrit, string payloadJson, JsonDocument payload, byte[] signature)
    {
        _token = token;
        SigningInputLength = signingInputLength;
        Alg = alg;
        Kid = kid;
        HasCrit = hasCrit;
        PayloadJson = payloadJson;
        Payload = payload;
        Signature = signature;
    }

    // The token's ASCII bytes (trimmed): the signing input is hashed from them without a copy.
    private readonly byte[] _token;

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

        ReadOnlySpan<char> trimmed = token.AsSpan().Trim();
        if (!Ascii.IsValid(trimmed))
        {
            throw AttestationException.Malformed("The token is not a compact JWS (header.payload.signature).");
        }

        byte[] bytes = new byte[trimmed.Length];
        Ascii.FromUtf16(trimmed, bytes, out _);
        return Parse(bytes);
    }

    /// <summary>Decodes a token given as its UTF-8 bytes (evidence as it arrives). Same checks as <see cref="Parse(string)"/>.</summary>
    public static MaaCompactToken Parse(ReadOnlySpan<byte> token)
    {
        if (token.Length > MaxTokenLength)
        {
            throw AttestationException.Malformed("The token is too large.");
        }

        // A compact JWS is base64url and dots: anything outside ASCII is refused before it is decoded or trimmed.
        token = token.Trim(" \t\r\n"u8);
        if (!Ascii.IsValid(token))
        {
            throw AttestationException.Malformed("The token is not a compact JWS (header.payload.signature).");
        }

        return Parse(token.ToArray());
    }

    private static MaaCompactToken Parse(byte[] token)
    {
        int first = token.AsSpan().IndexOf((byte)'.');
        int second = first < 0 ? -1 : token.AsSpan(first + 1).IndexOf((byte)'.');
        second = second < 0 ? -1 : first + 1 + second;
        if (first <= 0 || second <= first + 1 || token.AsSpan(second + 1).IndexOf((byte)'.') >= 0)
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
            // Parsed from the bytes (no second transcoding); the strict decoder still refuses invalid UTF-8 first.
            byte[] payloadBytes = Decode(token.AsSpan(first + 1, second - first - 1), "payload");
            payloadJson = s_strictUtf8.GetString(payloadBytes);
            payload = JsonDocument.Parse(payloadBytes, s_options);
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
        // Hash, then VerifyHash: RSA.VerifyData costs about 5 µs more than these two on .NET 10 (attestation-floor).
        Span<byte> digest = stackalloc byte[System.Security.Cryptography.SHA256.HashSizeInBytes];
        System.Security.Cryptography.SHA256.HashData(_token.AsSpan(0, SigningInputLength), digest);
        return rsa.VerifyHash(digest, Signature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
    }

    public void Dispose() => Payload.Dispose();

    private static byte[] Decode(ReadOnlySpan<byte> part, string what)
    {
        try
        {
            return Base64Url.DecodeFromUtf8(part);
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
