using System.Text.Json.Serialization;

namespace Kms.Benchmarks.Release;

// The /v1 request and response bodies the load generator sends and reads, as a workload and an admin write them.
internal sealed record ChallengeRequest(string Identity, string InstanceId);

internal sealed record ChallengeResponse(string Challenge);

internal sealed record EvidenceJson(string Type, string Evidence);

internal sealed record RecipientJson(string Scheme, string PublicKey);

internal sealed record KeyRequest(EvidenceJson Evidence, string Challenge, string InstanceId, RecipientJson Recipient, string Purpose, string Name, int Version);

internal sealed record KeyResponse(string Identity, string Encapsulation, string Ciphertext);

internal sealed record CertificateRequestJson(EvidenceJson Evidence, string Challenge, string InstanceId, string Csr);

internal sealed record CertificateResponse(string Identity, string Certificate, string CaCertificate);

internal sealed record PolicyJson(string[] TeeTypes, bool AllowDebug, string[] TcbStatuses);

internal sealed record NamespaceRequest(PolicyJson Policy);

internal sealed record MeasurementRequest(string Description);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChallengeRequest))]
[JsonSerializable(typeof(ChallengeResponse))]
[JsonSerializable(typeof(KeyRequest))]
[JsonSerializable(typeof(KeyResponse))]
[JsonSerializable(typeof(CertificateRequestJson))]
[JsonSerializable(typeof(CertificateResponse))]
[JsonSerializable(typeof(NamespaceRequest))]
[JsonSerializable(typeof(MeasurementRequest))]
internal sealed partial class ReleaseJsonContext : JsonSerializerContext;
