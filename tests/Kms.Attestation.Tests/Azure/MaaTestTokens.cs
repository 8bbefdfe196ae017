using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Attestation.Tests.Azure;

/// <summary>Real MAA tokens from the shared corpus and helpers to forge variants of them.</summary>
internal static class MaaTestTokens
{
    public const string SharedWeu = "https://sharedweu.weu.attest.azure.net";
    public const string SharedEus2 = "https://sharedeus2.eus2.attest.azure.net";

    public static string Token(string name) => TestData.Text("attestation/maa/" + name).Trim();

    public static string WeuJwks => TestData.Text("attestation/maa/thomvanl_sharedweu_jwks_snapshot.jsonc");

    public static string DerivedJwks => TestData.Text("attestation/maa/jwks_DERIVED_from_secretnetwork_KNOWN_JWT_KEYS.json");

    /// <summary>An instant one hour after the token's iat (inside its 8-hour validity).</summary>
    public static FixedTimeProvider ClockFor(string token) =>
        new(DateTimeOffset.FromUnixTimeSeconds(Payload(token)["iat"]!.GetValue<long>()).AddHours(1));

    public static JsonObject Header(string token) => (JsonObject)JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!;

    public static JsonObject Payload(string token) => (JsonObject)JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!;

    public static string Encode(JsonNode node) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));

    /// <summary>Replaces the header and/or payload of a real token, keeping its original signature.</summary>
    public static string Reassemble(string token, JsonObject? header = null, JsonObject? payload = null)
    {
        string[] parts = token.Split('.');
        return $"{(header is null ? parts[0] : Encode(header))}.{(payload is null ? parts[1] : Encode(payload))}.{parts[2]}";
    }

    /// <summary>Signs <paramref name="payload"/> with <paramref name="key"/> as RS256 under kid "test-kid".</summary>
    public static string Sign(RSA key, JsonObject payload, string alg = "RS256", string kid = "test-kid") =>
        Sign(key, payload.ToJsonString(), alg, kid);

    /// <summary>Signs the payload text as is (e.g. with duplicate names a JsonObject cannot hold).</summary>
    public static string Sign(RSA key, string payloadJson, string alg = "RS256", string kid = "test-kid")
    {
        var header = new JsonObject { ["alg"] = alg, ["kid"] = kid, ["typ"] = "JWT" };
        string signingInput = Encode(header) + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payloadJson));
        byte[] signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public static string JwksFor(RSA key, string kid = "test-kid")
    {
        RSAParameters p = key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["kid"] = kid,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            }),
        }.ToJsonString();
    }
}
