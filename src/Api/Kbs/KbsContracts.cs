using System.Text.Json.Serialization;

namespace Kms.Api.Kbs;

/// <summary><c>POST /kbs/v0/register_workload</c> (virtee/reference-kbs).</summary>
internal sealed record KbsRegisterBody(
    [property: JsonPropertyName("workload_id")] string WorkloadId,
    [property: JsonPropertyName("launch_measurement")] string LaunchMeasurement,
    [property: JsonPropertyName("passphrase")] string Passphrase,
    [property: JsonPropertyName("tee_config")] string? TeeConfig = null);

/// <summary><c>POST /kbs/v0/auth</c>: kbs-types v0.2.0 <c>Request</c>.</summary>
internal sealed record KbsRequestBody(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("tee")] string Tee,
    [property: JsonPropertyName("extra-params")] string ExtraParams);

/// <summary>kbs-types v0.2.0 <c>Challenge</c>.</summary>
internal sealed record KbsChallengeBody(
    [property: JsonPropertyName("nonce")] string Nonce,
    [property: JsonPropertyName("extra-params")] string ExtraParams);

/// <summary>kbs-types v0.2.0 <c>TeePubKey</c>, plus <c>key</c> for <c>"alg":"hpke-xwing"</c>.</summary>
internal sealed record KbsTeePubKeyBody(
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("k-mod")] string? KMod = null,
    [property: JsonPropertyName("k-exp")] string? KExp = null,
    [property: JsonPropertyName("key")] string? Key = null);

/// <summary><c>POST /kbs/v0/attest</c>: kbs-types v0.2.0 <c>Attestation</c>.</summary>
internal sealed record KbsAttestationBody(
    [property: JsonPropertyName("tee-pubkey")] KbsTeePubKeyBody TeePubKey,
    [property: JsonPropertyName("tee-evidence")] string TeeEvidence);

/// <summary>The answer of <c>/key/{id}</c> for an X-Wing <c>tee-pubkey</c> (RSA answers a JSON string of hex).</summary>
internal sealed record KbsHpkeSecretBody(
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("enc")] string Enc,
    [property: JsonPropertyName("ciphertext")] string Ciphertext);

/// <summary>Source-generated JSON metadata of the reference-KBS front end: names as on the wire, unknown members ignored
/// (as serde does), nulls refused where the reference requires a value.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(KbsRegisterBody))]
[JsonSerializable(typeof(KbsRequestBody))]
[JsonSerializable(typeof(KbsChallengeBody))]
[JsonSerializable(typeof(KbsAttestationBody))]
[JsonSerializable(typeof(KbsHpkeSecretBody))]
[JsonSerializable(typeof(string))]
internal sealed partial class KbsJsonContext : JsonSerializerContext
{
}
