using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kms.Api.Guardian;

/// <summary><c>POST /attestation/{namespace}/register</c> and <c>verify</c>: <c>{"evidence":"&lt;base64&gt;"}</c>; on
/// <c>verify</c>, optionally a PEM <c>csr</c> with the <c>challenge</c> it answers (an Orleans.Kms extension).</summary>
internal sealed record GuardianEvidenceBody(
    [property: JsonPropertyName("evidence")] string Evidence,
    [property: JsonPropertyName("csr")] string? Csr = null,
    [property: JsonPropertyName("challenge")] string? Challenge = null);

/// <summary>The phase-1 answer.</summary>
internal sealed record GuardianChallengeBody(
    [property: JsonPropertyName("challenge")] string Challenge,
    [property: JsonPropertyName("expires_at")] long ExpiresAt);

/// <summary>The phase-2 answer (members without a value are omitted, as tee-guardian does).</summary>
internal sealed record GuardianVerifiedBody(
    [property: JsonPropertyName("verified")] bool Verified,
    [property: JsonPropertyName("measurement_hash")] string MeasurementHash,
    [property: JsonPropertyName("tcb_status")] string TcbStatus,
    [property: JsonPropertyName("certificate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Certificate,
    [property: JsonPropertyName("ca_certificate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CaCertificate);

/// <summary>A measurement object, as tee-guardian's registry reads and writes it, with its hash.</summary>
internal sealed record GuardianMeasurementBody(
    [property: JsonPropertyName("namespace")] string? Namespace = null,
    [property: JsonPropertyName("platform")] string? Platform = null,
    [property: JsonPropertyName("data")] JsonElement? Data = null,
    [property: JsonPropertyName("revoked_at")] long? RevokedAt = null,
    [property: JsonPropertyName("measurement_hash")] string? MeasurementHash = null);

/// <summary>tee-guardian's error body.</summary>
internal sealed record GuardianErrorBody([property: JsonPropertyName("error")] string Error);

/// <summary>Source-generated JSON metadata of the tee-guardian front end: names as on the wire, unknown members ignored
/// (as serde does), nulls written (<c>"revoked_at":null</c>).</summary>
[JsonSourceGenerationOptions(RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(GuardianEvidenceBody))]
[JsonSerializable(typeof(GuardianChallengeBody))]
[JsonSerializable(typeof(GuardianVerifiedBody))]
[JsonSerializable(typeof(GuardianMeasurementBody))]
[JsonSerializable(typeof(GuardianMeasurementBody[]))]
[JsonSerializable(typeof(GuardianErrorBody))]
internal sealed partial class GuardianJsonContext : JsonSerializerContext
{
}
