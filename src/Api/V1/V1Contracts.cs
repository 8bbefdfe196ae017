namespace Kms.Api.V1;

// The JSON bodies of the native API. Binary values are base64 (keys, evidence, ciphertexts) or lowercase hex (the
// 32-byte challenge, instance id and measurement identity, as tee-guardian writes them).

/// <summary>An admin registered at init.</summary>
/// <param name="Name">The key id admin requests name.</param>
/// <param name="SigningKey">P-256 public key: SubjectPublicKeyInfo as PEM or base64 DER.</param>
/// <param name="RecoveryKey">X25519 public key (base64, 32 bytes) the admin's recovery share is sealed to.</param>
public sealed record AdminKeyBody(string Name, string SigningKey, string? RecoveryKey);

/// <summary><c>POST /v1/cluster/init</c>.</summary>
public sealed record ClusterInitBody(int Threshold, AdminKeyBody[] Admins, int RecoveryThreshold, string[]? Silos);

/// <summary>A holder of a root-key share.</summary>
public sealed record CommitteeMemberBody(string Silo, int ShareIndex);

/// <summary>The cluster's status.</summary>
public sealed record ClusterStatusBody(
    string State, long Epoch, int Threshold, CommitteeMemberBody[] Committee, string[] UnavailableMembers,
    string? GroupPublicKey, string[] Admins, DateTimeOffset? LastRefresh, string? LastRefreshError);

/// <summary>An admin's recovery share, sealed to the admin's recovery key (HPKE, see the README).</summary>
public sealed record RecoveryShareBody(string Admin, string Encapsulation, string Ciphertext);

/// <summary>The answer to init: the recovery shares are not kept by the KMS.</summary>
public sealed record ClusterInitResponse(ClusterStatusBody Status, RecoveryShareBody[] RecoveryShares);

/// <summary><c>POST /v1/cluster/reshare</c>.</summary>
public sealed record ClusterReshareBody(int Threshold, string[]? Silos);

/// <summary><c>POST /v1/cluster/recover</c>: decrypted Vault-format shares (base64).</summary>
public sealed record ClusterRecoverBody(string[] Shares, int Threshold, string[]? Silos, AdminKeyBody[]? Admins);

/// <summary>What a namespace requires of evidence.</summary>
/// <param name="RequirePostQuantum">Release only to hpke-xwing recipients.</param>
public sealed record PolicyBody(string[] TeeTypes, bool AllowDebug, string[] TcbStatuses, bool? RequirePostQuantum = null);

/// <summary><c>PUT /v1/namespaces/{namespace}</c>.</summary>
/// <param name="Governance">"registry" (default), "policy-documents" or "onchain" (the namespace id is the contract address).</param>
/// <param name="PolicySigners">Who signs the policy documents; required for "policy-documents" only.</param>
public sealed record NamespaceCreateBody(PolicyBody Policy, string? Governance, PolicySignersBody? PolicySigners = null);

/// <summary>The signers of a namespace's policy documents and how many distinct ones must sign.</summary>
public sealed record PolicySignersBody(PolicySignerBody[] Signers, int Threshold);

/// <summary>A policy signer: "ed25519" with a 64-hex public key, or "secp256k1-eip191" with a 0x address.</summary>
public sealed record PolicySignerBody(string Scheme, string Signer);

/// <summary>The answer to <c>PUT /v1/namespaces/{namespace}/policy-document</c>: the document now in force.</summary>
public sealed record PolicyDocumentBody(long Serial, int Identities, string[] Signers);

/// <summary>A namespace.</summary>
public sealed record NamespaceBody(
    string Name, string Governance, PolicyBody Policy, long KeyEpoch, string CaCertificate, DateTimeOffset CreatedAt, int Measurements);

/// <summary><c>PUT /v1/namespaces/{namespace}/measurements/{identity}</c>.</summary>
public sealed record MeasurementAddBody(string? Description);

/// <summary>A registry entry.</summary>
public sealed record MeasurementBody(
    string Identity, string Description, DateTimeOffset AddedAt, string AddedBy, DateTimeOffset? RevokedAt, string? RevokedBy);

/// <summary><c>POST /v1/namespaces/{namespace}/challenges</c>.</summary>
public sealed record ChallengeRequestBody(string Identity, string InstanceId);

/// <summary>A challenge: report data bytes 0–31 of the evidence that answers it.</summary>
public sealed record ChallengeBody(string Challenge, DateTimeOffset ExpiresAt);

/// <summary>Evidence of one type ("dev", "tdx-dcap", "sev-snp", "azure-cvm").</summary>
public sealed record EvidenceBody(string Type, string Evidence);

/// <summary>The key a release is sealed to.</summary>
/// <param name="Scheme">"hpke-x25519", "hpke-p256", "hpke-xwing", "rsa-oaep-256" or "ecies-go".</param>
/// <param name="PublicKey">Base64: raw X25519 (32 bytes), uncompressed P-256 (65 bytes), X-Wing (1216 bytes) or RSA
/// SubjectPublicKeyInfo DER.</param>
public sealed record RecipientBody(string Scheme, string PublicKey);

/// <summary><c>POST /v1/namespaces/{namespace}/keys</c>: a derived key, HKDF(NK, purpose ‖ identity ‖ name ‖ version).</summary>
public sealed record KeyReleaseBody(
    EvidenceBody Evidence, string Challenge, string InstanceId, RecipientBody Recipient, string Purpose, string Name, uint Version, int? Length);

/// <summary>A released secret, sealed to the recipient key.</summary>
public sealed record SealedReleaseBody(string Identity, long KeyEpoch, string Scheme, string Encapsulation, string Ciphertext);

/// <summary><c>POST /v1/namespaces/{namespace}/certificates</c>: the evidence binds the CSR's public key.</summary>
public sealed record CertificateRequestBody(EvidenceBody Evidence, string Challenge, string InstanceId, string Csr);

/// <summary>An issued certificate and the namespace CA.</summary>
public sealed record CertificateBody(string Identity, string Certificate, string CaCertificate, string Serial, DateTimeOffset NotAfter);

/// <summary><c>POST /v1/attestation/verify</c>.</summary>
/// <param name="Namespace">Optional: also ask this namespace whether it would admit the workload (a dry run: no
/// challenge is used and nothing is released).</param>
public sealed record VerifyRequestBody(EvidenceBody Evidence, string ReportData, string? Namespace = null);

/// <summary>A namespace's answer for verified evidence: its identity there (the contract identity of an onchain
/// namespace) and whether and why it admits it.</summary>
public sealed record AdmissionBody(string Namespace, bool Allowed, string Identity, string Reason);

/// <summary>What verified evidence says.</summary>
/// <param name="Identity">The measurement identity to register in a registry namespace for this workload.</param>
/// <param name="Admission">The asked namespace's decision, when one was named.</param>
public sealed record VerifiedEvidenceBody(
    string EvidenceType, string Tee, bool Debug, string TcbStatus, string[] AdvisoryIds, Dictionary<string, string> Measurements, string ReportData,
    string? Identity, AdmissionBody? Admission = null);

/// <summary>An instance seen under an identity.</summary>
public sealed record InstanceBody(string InstanceId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, bool CloneSuspected);

/// <summary>A release record (never the key).</summary>
public sealed record ReleaseRecordBody(DateTimeOffset At, string InstanceId, string Kind, string Detail);

/// <summary>A workload identity's record.</summary>
public sealed record IdentityBody(
    string Namespace, string Identity, DateTimeOffset? RevokedAt, InstanceBody[] Instances, ReleaseRecordBody[] RecentReleases, long Releases);

/// <summary><c>PUT /v1/namespaces/{namespace}/secrets/{name}</c>: the value, base64 (at most 64 KiB).</summary>
public sealed record SecretPutBody(string Value);

/// <summary>A secret's metadata (never its value).</summary>
public sealed record SecretInfoBody(string Name, int Version, DateTimeOffset UpdatedAt, string UpdatedBy, int Length);

/// <summary><c>POST /v1/namespaces/{namespace}/secrets/{name}</c>: the evidence binds the recipient key.</summary>
public sealed record SecretReleaseBody(EvidenceBody Evidence, string Challenge, string InstanceId, RecipientBody Recipient);
