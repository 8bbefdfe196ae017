using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kms.Attestation.Azure;

/// <summary>
/// Verifies an Azure Attestation (MAA) JWT: RS256 only, signed by a key of the issuer's JWKS selected by kid, issuer on
/// the allow-list, exp/nbf/iat at the injected time within the configured skew, then the isolation TEE's claims. The
/// token's jku header is never followed: keys come only from the caller.
/// </summary>
public sealed class MaaTokenVerifier
{
    private readonly TimeProvider _timeProvider;

    public MaaTokenVerifier(MaaTokenOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        Options = options;
        _timeProvider = timeProvider;
    }

    public MaaTokenOptions Options { get; }

    /// <summary>
    /// Reads the issuer of a token without verifying anything, so the caller can fetch that issuer's JWKS.
    /// Throws Malformed when the token does not parse, PolicyViolation when the issuer is not allowed.
    /// </summary>
    public string ReadAllowedIssuer(string token)
    {
        using MaaCompactToken parsed = MaaCompactToken.Parse(token);
        return ReadAllowedIssuer(parsed);
    }

    /// <summary>Verifies <paramref name="token"/> with <paramref name="keys"/> (the issuer's JWKS).</summary>
    public MaaToken Verify(string token, MaaSigningKeys keys)
    {
        using MaaCompactToken parsed = MaaCompactToken.Parse(token);
        return Verify(parsed, keys);
    }

    /// <summary>The unverified issuer of a parsed token, if it is on the allow-list.</summary>
    internal string ReadAllowedIssuer(MaaCompactToken token)
    {
        string issuer;
        try
        {
            issuer = RequireString(token.Payload.RootElement, "iss"u8);
        }
        catch (InvalidOperationException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The token's iss claim is not a valid string.", e);
        }

        RequireAllowedIssuer(issuer);
        return issuer;
    }

    /// <summary>Verifies a parsed token with <paramref name="keys"/>: one parse serves the issuer lookup and the verification.</summary>
    internal MaaToken Verify(MaaCompactToken token, MaaSigningKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!string.Equals(token.Alg, "RS256", StringComparison.Ordinal))
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Token algorithm \"{AttestationException.Printable(token.Alg)}\" is not accepted; only RS256 is.");
        }

        if (token.HasCrit)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "Tokens with critical header parameters are not accepted.");
        }

        if (string.IsNullOrEmpty(token.Kid) || !keys.TryGetSigningKey(token.Kid, out MaaSigningKey? key))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The token's key id is not in the issuer's JWKS.");
        }

        if (key.Parameters.Modulus!.Length < 256)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "The token's signing key is shorter than 2048 bits.");
        }

        if (token.Signature.Length != key.Parameters.Modulus.Length || !token.VerifyRs256(key.Rsa))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The token signature does not verify.");
        }

        // A key published with a certificate is only as good as the certificate: current and validly self-signed.
        key.Certificate?.RequireValidSelfSigned(_timeProvider.GetUtcNow(), key.KeyId);

        JsonElement claims = token.Payload.RootElement;
        string issuer = RequireString(claims, "iss"u8);
        RequireAllowedIssuer(issuer);
        (DateTimeOffset issuedAt, DateTimeOffset expiresAt) = CheckLifetime(claims);
        return ReadTeeClaims(claims, issuer, issuedAt, expiresAt, token.PayloadJson) with { KeyId = key.KeyId };
    }

    private void RequireAllowedIssuer(string issuer)
    {
        if (!Options.AllowedIssuers.Contains(issuer, StringComparer.Ordinal))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"Token issuer \"{AttestationException.Printable(issuer)}\" is not on the allow-list.");
        }
    }

    private (DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt) CheckLifetime(JsonElement claims)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        TimeSpan skew = Options.ClockSkew;
        DateTimeOffset expiresAt = RequireTime(claims, "exp"u8) ?? throw AttestationException.Malformed("The token has no exp claim.");
        DateTimeOffset issuedAt = RequireTime(claims, "iat"u8) ?? throw AttestationException.Malformed("The token has no iat claim.");
        DateTimeOffset? notBefore = RequireTime(claims, "nbf"u8);
        if (now > expiresAt + skew)
        {
            throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"The token expired at {expiresAt:O}.");
        }

        if (notBefore is { } nbf && now < nbf - skew)
        {
            throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"The token is not valid before {nbf:O}.");
        }

        if (issuedAt > now + skew)
        {
            throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"The token claims to be issued in the future ({issuedAt:O}).");
        }

        if (Options.MaxTokenAge is { } maxAge && now - issuedAt > maxAge + skew)
        {
            throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"The token was issued at {issuedAt:O}, longer ago than {maxAge}.");
        }

        return (issuedAt, expiresAt);
    }

    private MaaToken ReadTeeClaims(JsonElement claims, string issuer, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string payloadJson)
    {
        // Azure CVM guest attestation nests the hardware TEE's claims in x-ms-isolation-tee (top-level type "azurevm");
        // direct SNP/TDX attestation puts them at the top level.
        string topLevelType = RequireString(claims, "x-ms-attestation-type"u8);
        JsonElement tee = topLevelType == "azurevm"
            ? RequireObject(claims, "x-ms-isolation-tee"u8)
            : claims;
        string teeType = RequireString(tee, "x-ms-attestation-type"u8);
        if (!Options.AllowedTeeTypes.Contains(teeType, StringComparer.Ordinal))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"TEE attestation type \"{teeType}\" is not accepted.");
        }

        string compliance = RequireString(tee, "x-ms-compliance-status"u8);
        if (!Options.AllowedComplianceStatuses.Contains(compliance, StringComparer.Ordinal))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"Compliance status \"{compliance}\" is not accepted.");
        }

        // A TDX token whose debug state cannot be read counts as debuggable: fail closed.
        bool debug = teeType switch
        {
            "sevsnpvm" => RequireBool(tee, "x-ms-sevsnpvm-is-debuggable"u8),
            _ => OptionalBool(tee, "tdx_td_attributes_debug"u8) ?? OptionalBool(tee, "x-ms-tdx-is-debuggable"u8) ?? true,
        };
        if (debug && !Options.AllowDebug)
        {
            throw new AttestationException(AttestationFailureKind.DebugNotAllowed, "The token says the guest is debuggable.");
        }

        var teeClaims = new Dictionary<string, string>(32, StringComparer.Ordinal);
        foreach (JsonProperty property in tee.EnumerateObject())
        {
            if (property.Name.StartsWith("x-ms-sevsnpvm-", StringComparison.Ordinal) || property.Name.StartsWith("x-ms-tdx-", StringComparison.Ordinal) ||
                property.Name.StartsWith("tdx_", StringComparison.Ordinal))
            {
                teeClaims[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        string? akJwk = null;
        byte[]? userData = null;
        if (tee.TryGetProperty("x-ms-runtime"u8, out JsonElement teeRuntime) && teeRuntime.ValueKind == JsonValueKind.Object)
        {
            akJwk = FindKey(teeRuntime, "HCLAkPub"u8);
            if (teeRuntime.TryGetProperty("user-data"u8, out JsonElement ud))
            {
                userData = DecodeHex(ud, "user-data");
            }
        }

        byte[]? nonce = null;
        if (claims.TryGetProperty("x-ms-runtime"u8, out JsonElement runtime) && runtime.ValueKind == JsonValueKind.Object &&
            runtime.TryGetProperty("client-payload"u8, out JsonElement clientPayload) && clientPayload.ValueKind == JsonValueKind.Object &&
            clientPayload.TryGetProperty("nonce"u8, out JsonElement nonceElement))
        {
            nonce = DecodeBase64(nonceElement, "client-payload nonce");
        }

        return new MaaToken
        {
            Issuer = issuer,
            IssuedAt = issuedAt,
            ExpiresAt = expiresAt,
            TeeType = teeType,
            ComplianceStatus = compliance,
            Debug = debug,
            TeeClaims = teeClaims,
            PayloadJson = payloadJson,
            AttestationKeyJwk = akJwk,
            ClientNonce = nonce,
            UserData = userData,
        };
    }

    private static string? FindKey(JsonElement runtime, ReadOnlySpan<byte> kid)
    {
        if (!runtime.TryGetProperty("keys"u8, out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (JsonElement key in keys.EnumerateArray())
        {
            if (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("kid"u8, out JsonElement k) && k.ValueKind == JsonValueKind.String && k.ValueEquals(kid))
            {
                return key.GetRawText();
            }
        }

        return null;
    }

    private static DateTimeOffset? RequireTime(JsonElement claims, ReadOnlySpan<byte> name)
    {
        if (!claims.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long seconds) || seconds is < 0 or > 253402300799)
        {
            throw AttestationException.Malformed($"The {Encoding.UTF8.GetString(name)} claim is not a valid NumericDate.");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    private static string RequireString(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw AttestationException.Malformed($"The token has no string claim {Encoding.UTF8.GetString(name)}.");

    private static JsonElement RequireObject(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw AttestationException.Malformed($"The token has no object claim {Encoding.UTF8.GetString(name)}.");

    private static bool RequireBool(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw AttestationException.Malformed($"The token has no boolean claim {Encoding.UTF8.GetString(name)}.");

    private static bool? OptionalBool(JsonElement element, ReadOnlySpan<byte> name)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw AttestationException.Malformed($"The claim {Encoding.UTF8.GetString(name)} is not a boolean.");
    }

    private static byte[] DecodeHex(JsonElement value, string name)
    {
        try
        {
            return value.ValueKind == JsonValueKind.String ? Convert.FromHexString(value.GetString()!) : throw AttestationException.Malformed($"{name} is not a string.");
        }
        catch (FormatException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"{name} is not hex.", e);
        }
    }

    private static byte[] DecodeBase64(JsonElement value, string name)
    {
        try
        {
            return value.ValueKind == JsonValueKind.String ? Convert.FromBase64String(value.GetString()!) : throw AttestationException.Malformed($"{name} is not a string.");
        }
        catch (FormatException e)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"{name} is not base64.", e);
        }
    }
}
