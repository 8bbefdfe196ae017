using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Attestation.Azure;

/// <summary>
/// The HCL runtime-claims JSON of an Azure confidential VM: "keys" (JWKs, among them the vTPM attestation key
/// "HCLAkPub" and the encryption key "HCLEkPub"), "vm-configuration" and "user-data" (hex).
/// </summary>
public sealed class HclRuntimeClaims
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private HclRuntimeClaims(string json, RSAParameters attestationKey, string attestationKeyJwk, byte[]? userData)
    {
        Json = json;
        AttestationKey = attestationKey;
        AttestationKeyJwk = attestationKeyJwk;
        UserData = userData;
    }

    /// <summary>The JSON exactly as received.</summary>
    public string Json { get; }

    /// <summary>The public part of HCLAkPub, the key that signs TPM quotes.</summary>
    public RSAParameters AttestationKey { get; }

    /// <summary>The HCLAkPub JWK as JSON.</summary>
    public string AttestationKeyJwk { get; }

    /// <summary>"user-data", hex-decoded, when present.</summary>
    public byte[]? UserData { get; }

    /// <summary>Parses the runtime claims. Throws <see cref="AttestationException"/> (Malformed) on bad input.</summary>
    public static HclRuntimeClaims Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            string json = s_strictUtf8.GetString(utf8Json);
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw AttestationException.Malformed("The HCL runtime claims have no \"keys\" array.");
            }

            JsonElement? ak = null;
            foreach (JsonElement key in keys.EnumerateArray())
            {
                if (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("kid", out JsonElement kid) && kid.ValueKind == JsonValueKind.String && kid.GetString() == "HCLAkPub")
                {
                    if (ak is not null)
                    {
                        throw AttestationException.Malformed("The HCL runtime claims list HCLAkPub twice.");
                    }

                    ak = key;
                }
            }

            JsonElement akKey = ak ?? throw AttestationException.Malformed("The HCL runtime claims carry no HCLAkPub key.");
            if (String(akKey, "kty") != "RSA")
            {
                throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "HCLAkPub is not an RSA key.");
            }

            var parameters = new RSAParameters
            {
                Modulus = Base64Url(String(akKey, "n") ?? throw AttestationException.Malformed("HCLAkPub has no n.")),
                Exponent = Base64Url(String(akKey, "e") ?? throw AttestationException.Malformed("HCLAkPub has no e.")),
            };
            if (parameters.Modulus.Length < 256 || parameters.Modulus[0] == 0)
            {
                throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "HCLAkPub must be an RSA key of at least 2048 bits.");
            }

            byte[]? userData = null;
            if (root.TryGetProperty("user-data", out JsonElement ud))
            {
                userData = ud.ValueKind == JsonValueKind.String ? Convert.FromHexString(ud.GetString()!) : throw AttestationException.Malformed("user-data is not a string.");
            }

            return new HclRuntimeClaims(json, parameters, akKey.GetRawText(), userData);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or DecoderFallbackException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The HCL runtime claims are not valid JSON with the expected fields.", e);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Base64Url(string value) => Base64UrlEncoder.DecodeBytes(value);
}
