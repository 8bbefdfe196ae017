namespace Kms.Client.Workloads;

// The client's copy of the /v1 bodies it sends and reads (src/Api/V1/V1Contracts.cs, docs/api.md). They are copied,
// not referenced, so that a workload does not carry the ASP.NET Core server; a test compares both sets member by member.

/// <summary><c>POST /v1/namespaces/{ns}/challenges</c>.</summary>
public sealed record ChallengeRequestBody(string Identity, string InstanceId);

/// <summary>A single-use challenge: bytes 0–31 of the report data of the evidence that answers it.</summary>
public sealed record ChallengeBody(string Challenge, DateTimeOffset ExpiresAt);

/// <summary>Evidence of one type ("dev", "tdx-dcap", "sev-snp", "azure-cvm"), base64.</summary>
public sealed record EvidenceBody(string Type, string Evidence);

/// <summary>The key a release is sealed to (scheme and base64 public key).</summary>
public sealed record RecipientBody(string Scheme, string PublicKey);

/// <summary><c>POST /v1/namespaces/{ns}/keys</c>.</summary>
public sealed record KeyReleaseBody(
    EvidenceBody Evidence, string Challenge, string InstanceId, RecipientBody Recipient, string Purpose, string Name, uint Version, int? Length);

/// <summary><c>POST /v1/namespaces/{ns}/secrets/{name}</c>.</summary>
public sealed record SecretReleaseBody(EvidenceBody Evidence, string Challenge, string InstanceId, RecipientBody Recipient);

/// <summary>A release sealed to the recipient key.</summary>
public sealed record SealedReleaseBody(string Identity, long KeyEpoch, string Scheme, string Encapsulation, string Ciphertext);

/// <summary><c>POST /v1/namespaces/{ns}/certificates</c>.</summary>
public sealed record CertificateRequestBody(EvidenceBody Evidence, string Challenge, string InstanceId, string Csr);

/// <summary>An issued certificate (PEM) and the namespace CA (PEM).</summary>
public sealed record CertificateBody(string Identity, string Certificate, string CaCertificate, string Serial, DateTimeOffset NotAfter);

/// <summary><c>POST /v1/attestation/verify</c>.</summary>
public sealed record VerifyRequestBody(EvidenceBody Evidence, string ReportData, string? Namespace = null);

/// <summary>A namespace's dry-run decision for verified evidence.</summary>
public sealed record AdmissionBody(string Namespace, bool Allowed, string Identity, string Reason);

/// <summary>What verified evidence says; <see cref="Identity"/> is the measurement identity to register.</summary>
public sealed record VerifiedEvidenceBody(
    string EvidenceType, string Tee, bool Debug, string TcbStatus, string[] AdvisoryIds, Dictionary<string, string> Measurements,
    string ReportData, string? Identity, AdmissionBody? Admission = null);
