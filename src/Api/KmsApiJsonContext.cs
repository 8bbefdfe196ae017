using System.Text.Json.Serialization;

namespace Kms.Api;

/// <summary>Source-generated JSON metadata for every type the HTTP front end reads or writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(V1.ClusterInitBody))]
[JsonSerializable(typeof(V1.ClusterInitResponse))]
[JsonSerializable(typeof(V1.ClusterStatusBody))]
[JsonSerializable(typeof(V1.ClusterReshareBody))]
[JsonSerializable(typeof(V1.ClusterRecoverBody))]
[JsonSerializable(typeof(V1.NamespaceCreateBody))]
[JsonSerializable(typeof(V1.NamespaceBody))]
[JsonSerializable(typeof(V1.PolicyBody))]
[JsonSerializable(typeof(V1.PolicySignersBody))]
[JsonSerializable(typeof(V1.PolicyDocumentBody))]
[JsonSerializable(typeof(V1.MeasurementAddBody))]
[JsonSerializable(typeof(V1.MeasurementBody))]
[JsonSerializable(typeof(V1.MeasurementBody[]))]
[JsonSerializable(typeof(V1.ChallengeRequestBody))]
[JsonSerializable(typeof(V1.ChallengeBody))]
[JsonSerializable(typeof(V1.KeyReleaseBody))]
[JsonSerializable(typeof(V1.SealedReleaseBody))]
[JsonSerializable(typeof(V1.CertificateRequestBody))]
[JsonSerializable(typeof(V1.CertificateBody))]
[JsonSerializable(typeof(V1.VerifyRequestBody))]
[JsonSerializable(typeof(V1.VerifiedEvidenceBody))]
[JsonSerializable(typeof(V1.AdmissionBody))]
[JsonSerializable(typeof(V1.IdentityBody))]
[JsonSerializable(typeof(V1.SecretPutBody))]
[JsonSerializable(typeof(V1.SecretInfoBody))]
[JsonSerializable(typeof(V1.SecretReleaseBody))]
[JsonSerializable(typeof(V1.OnboardingSubmitBody))]
[JsonSerializable(typeof(V1.OnchainApprovalBody))]
[JsonSerializable(typeof(V1.OnboardingStatusBody))]
public sealed partial class KmsApiJsonContext : JsonSerializerContext
{
}
