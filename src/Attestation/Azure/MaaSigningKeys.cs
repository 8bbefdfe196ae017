using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Attestation.Azure;

/// <summary>
/// The RSA signing keys of one Azure Attestation instance, read from its JWKS document (GET {issuer}/certs).
/// A key is given by "n"/"e", by an "x5c" certificate, or both — in which case the certificate's key must equal n/e.
/// The certificate (<see cref="MaaSigningCertificate"/>) is kept: its validity and self-signature are checked when a
/// token uses the key (<see cref="MaaTokenVerifier"/>), its embedded SGX quote by <see cref="MaaSignerQuoteVerifier"/>.
/// JSON comments are tolerated (JWKS snapshots are often stored as JSONC). Non-RSA keys are ignored.
/// </summary>
public sealed class MaaSigningKeys
{
    private const int MaxJwksLength = 1024 * 1024;

    private readonly Dictionary<string, MaaSigningKey> _keys;

    private MaaSigningKeys(Dictionary<string, MaaSigningKey> keys) => _keys = keys;

    /// <summary>The key ids present.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>The RSA public key with <paramref name="kid"/>, or false.</summary>
    public bool TryGetKey(string kid, out RSAParameters key)
    {
        bool found = _keys.TryGetValue(kid, out MaaSigningKey? entry);
        key = found ? entry!.Parameters : default;
        return found;
    }

    /// <summary>The signing key with <paramref name="kid"/> (its imported RSA key and certificate), or false.</summary>
    public bool TryGetSigningKey(string kid, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MaaSigningKey? key) => _keys.TryGetValue(kid, out key);

    /// <summary>Parses a JWKS document. Throws <see cref="AttestationException"/> (Malformed) on bad input.</summary>
    public static MaaSigningKeys Parse(string jwksJson)
    {
        ArgumentNullException.ThrowIfNull(jwksJson);
        if (jwksJson.Length > MaxJwksLength)
        {
            throw AttestationException.Malformed("The JWKS document is too large.");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(jwksJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("keys", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw AttestationException.Malformed("The JWKS document has no \"keys\" array.");
            }

            var result = new Dictionary<string, MaaSigningKey>(StringComparer.Ordinal);
            foreach (JsonElement key in keys.EnumerateArray())
            {
                if (key.ValueKind != JsonValueKind.Object || GetString(key, "kty") != "RSA" || GetString(key, "kid") is not { Length: > 0 } kid)
                {
                    continue;
                }

                if (!result.TryAdd(kid, ReadKey(key, kid)))
                {
                    throw AttestationException.Malformed($"The JWKS document lists key id {kid} twice.");
                }
            }

            return new MaaSigningKeys(result);
        }
        catch (JsonException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The JWKS document is not valid JSON.", e);
        }
    }

    private static MaaSigningKey ReadKey(JsonElement key, string kid)
    {
        RSAParameters? fromJwk = null;
        if (GetString(key, "n") is { } n && GetString(key, "e") is { } e)
        {
            fromJwk = new RSAParameters { Modulus = TrimLeadingZeros(DecodeBase64Url(n, kid)), Exponent = TrimLeadingZeros(DecodeBase64Url(e, kid)) };
            RequireImportable(fromJwk.Value, kid);
        }

        MaaSigningCertificate? certificate = null;
        if (key.TryGetProperty("x5c", out JsonElement x5c) && x5c.ValueKind == JsonValueKind.Array && x5c.GetArrayLength() > 0)
        {
            string? leaf = x5c[0].ValueKind == JsonValueKind.String ? x5c[0].GetString() : null;
            byte[] der;
            try
            {
                der = Convert.FromBase64String(leaf ?? string.Empty);
            }
            catch (FormatException ex)
            {
                throw new AttestationException(AttestationFailureKind.Malformed, $"The x5c certificate of key {kid} is not base64.", ex);
            }

            certificate = MaaSigningCertificate.Parse(der, kid);
            RequireImportable(certificate.Key, kid);
        }

        if (fromJwk is { } jwk && certificate is { Key: var cert } &&
            (!jwk.Modulus.AsSpan().SequenceEqual(cert.Modulus) || !jwk.Exponent.AsSpan().SequenceEqual(cert.Exponent)))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"Key {kid}: the x5c certificate's key differs from n/e.");
        }

        // Keys shorter than 2048 bits are kept so that a token naming one fails precisely (UnsupportedVersion) at use.
        RSAParameters parameters = fromJwk ?? certificate?.Key ?? throw AttestationException.Malformed($"Key {kid} has neither n/e nor x5c.");
        return new MaaSigningKey(kid, parameters, RSA.Create(parameters), certificate);
    }

    /// <summary>
    /// Refuses n/e the platform cannot import (empty or zero exponent, empty modulus...), so that using the key later
    /// cannot fail with an untyped CryptographicException.
    /// </summary>
    private static void RequireImportable(RSAParameters parameters, string kid)
    {
        if (parameters.Modulus is not { Length: > 0 } modulus || modulus[0] == 0 ||
            parameters.Exponent is not { Length: > 0 and <= 8 } exponent || exponent[0] == 0 || (exponent[^1] & 1) == 0)
        {
            throw AttestationException.Malformed($"Key {kid} has an invalid RSA modulus or exponent.");
        }

        try
        {
            using RSA rsa = RSA.Create(parameters);
        }
        catch (CryptographicException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"Key {kid} is not a usable RSA public key.", e);
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] DecodeBase64Url(string value, string kid)
    {
        try
        {
            return Base64UrlEncoder.DecodeBytes(value);
        }
        catch (FormatException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"Key {kid} has invalid base64url.", e);
        }
    }

    private static byte[] TrimLeadingZeros(byte[] value) => MaaSigningCertificate.TrimLeadingZeros(value);
}

/// <summary>One RSA signing key of an MAA instance: its parameters, the key imported once for verification, and its certificate when the JWKS has one.</summary>
/// <param name="KeyId">The JWK "kid".</param>
/// <param name="Parameters">Modulus and exponent.</param>
/// <param name="Rsa">The imported public key, shared by all verifications (RSA verification is thread safe).</param>
/// <param name="Certificate">The x5c leaf certificate; null for an n/e-only key.</param>
public sealed record MaaSigningKey(string KeyId, RSAParameters Parameters, RSA Rsa, MaaSigningCertificate? Certificate);
