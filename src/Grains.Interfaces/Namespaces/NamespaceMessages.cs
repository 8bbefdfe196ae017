namespace Kms.Grains.Namespaces;

/// <summary>Who decides which workloads a namespace admits.</summary>
public enum NamespaceGovernance
{
    /// <summary>The namespace's own measurement registry, kept by admins through signed requests.</summary>
    Registry = 0,

    /// <summary>Policy documents signed by a threshold of policy signers (serial numbers only go up).</summary>
    PolicyDocuments = 1,

    /// <summary>An Ethereum governance contract (the namespace id is its address).</summary>
    Onchain = 2,
}

/// <summary>What a namespace requires of evidence, whoever governs which measurements it admits.</summary>
/// <param name="TeeTypes">Accepted TEE types ("tdx", "sgx", "sev-snp", "azure-sev-snp", "azure-tdx", "dev").</param>
/// <param name="AllowDebug">Whether debug TEEs (memory readable by the host) are admitted.</param>
/// <param name="TcbStatuses">Accepted TCB statuses ("UpToDate", "SWHardeningNeeded", …).</param>
/// <param name="RequirePostQuantum">Whether keys and secrets are released only sealed to a post-quantum recipient
/// (hpke-xwing): a release to a classical key is then refused (403).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.NamespacePolicy")]
public sealed record NamespacePolicy(
    [property: Id(0)] IReadOnlyList<string> TeeTypes,
    [property: Id(1)] bool AllowDebug,
    [property: Id(2)] IReadOnlyList<string> TcbStatuses,
    [property: Id(3)] bool RequirePostQuantum = false);

/// <summary>Creates a namespace.</summary>
/// <param name="PolicySigners">Who signs the policy documents of a <see cref="NamespaceGovernance.PolicyDocuments"/>
/// namespace (required for it, refused for the others).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.NamespaceCreateRequest")]
public sealed record NamespaceCreateRequest(
    [property: Id(0)] NamespaceGovernance Governance,
    [property: Id(1)] NamespacePolicy Policy,
    [property: Id(2)] string Admin,
    [property: Id(3)] PolicySigners? PolicySigners = null);

/// <summary>The signers of a namespace's policy documents and how many distinct ones must sign (t of n).</summary>
/// <param name="Signers">Each signer as a signed envelope names it: scheme "ed25519" with a 64-hex public key, or
/// "secp256k1-eip191" with a 0x address.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.PolicySigners")]
public sealed record PolicySigners(
    [property: Id(0)] IReadOnlyList<PolicySignerId> Signers,
    [property: Id(1)] int Threshold);

/// <summary>One policy signer: its scheme and id (public key or address).</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.PolicySignerId")]
public sealed record PolicySignerId([property: Id(0)] string Scheme, [property: Id(1)] string Signer);

/// <summary>The policy document in force in a namespace after an update.</summary>
/// <param name="Serial">Its serial; the next document needs a greater one.</param>
/// <param name="Identities">How many workload identities it admits.</param>
/// <param name="Signers">The configured signers whose signatures verified ("scheme:id").</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.PolicyDocumentRecord")]
public sealed record PolicyDocumentRecord(
    [property: Id(0)] long Serial,
    [property: Id(1)] int Identities,
    [property: Id(2)] IReadOnlyList<string> Signers);

/// <summary>A namespace as anyone may read it.</summary>
/// <param name="KeyEpoch">The epoch of the namespace key in force; rotation starts a new one.</param>
/// <param name="CaCertificatePem">The namespace CA: the same key and certificate on every silo and across restarts.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.NamespaceInfo")]
public sealed record NamespaceInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] NamespaceGovernance Governance,
    [property: Id(2)] NamespacePolicy Policy,
    [property: Id(3)] long KeyEpoch,
    [property: Id(4)] string CaCertificatePem,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] int Measurements);

/// <summary>An entry of a namespace's measurement registry.</summary>
/// <param name="Identity">The measurement identity, 64 lowercase hex characters.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.MeasurementRecord")]
public sealed record MeasurementRecord(
    [property: Id(0)] string Identity,
    [property: Id(1)] string Description,
    [property: Id(2)] DateTimeOffset AddedAt,
    [property: Id(3)] string AddedBy,
    [property: Id(4)] DateTimeOffset? RevokedAt,
    [property: Id(5)] string? RevokedBy);

/// <summary>Evidence a verifier accepted, as the grains see it (no raw evidence, no signatures).</summary>
/// <param name="EvidenceType">The verifier that accepted it ("tdx-dcap", "sev-snp", "azure-cvm", "dev", …).</param>
/// <param name="Tee">The TEE type ("tdx", "sgx", "sev-snp", "azure-sev-snp", "azure-tdx", "dev").</param>
/// <param name="Measurements">Measurement registers by name ("mrtd", "rtmr0".."rtmr3", "measurement", "host_data",
/// "pcr4", …), lowercase hex.</param>
/// <param name="ReportData">The report data the evidence binds (already checked against the request).</param>
/// <param name="Identity">The measurement identity a registry namespace knows this workload by (64 lowercase hex);
/// empty when the evidence lacks the registers it needs.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.VerifiedWorkload")]
public sealed record VerifiedWorkload(
    [property: Id(0)] string EvidenceType,
    [property: Id(1)] string Tee,
    [property: Id(2)] bool Debug,
    [property: Id(3)] string TcbStatus,
    [property: Id(4)] IReadOnlyList<string> AdvisoryIds,
    [property: Id(5)] IReadOnlyDictionary<string, string> Measurements,
    [property: Id(6)] byte[] ReportData,
    [property: Id(7)] string Identity = "");

/// <summary>A namespace's answer for one workload.</summary>
/// <param name="Identity">The workload's measurement identity in this namespace (64 lowercase hex).</param>
/// <param name="Reason">Why it was admitted or refused.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.AuthorizationDecision")]
public sealed record AuthorizationDecision([property: Id(0)] bool Allowed, [property: Id(1)] string Identity, [property: Id(2)] string Reason);

/// <summary>
/// An admitted workload's grant: the namespace key of the epoch in force, for the local release worker that derives
/// from it. Never leaves the cluster; the worker wipes the key after use.
/// </summary>
/// <param name="RequirePostQuantum">The namespace releases only to post-quantum recipients.</param>
[GenerateSerializer, Alias("Kms.Grains.Namespaces.ReleaseGrant")]
public sealed record ReleaseGrant(
    [property: Id(0)] string Identity,
    [property: Id(1)] long KeyEpoch,
    [property: Id(2)] byte[] NamespaceKey,
    [property: Id(3)] bool RequirePostQuantum = false);

/// <summary>
/// An admitted workload's grant to have a certificate signed by the namespace CA on the local release worker: the CA's
/// key material, from which the worker rebuilds the CA and checks it against <see cref="CaCertificate"/>. Never leaves
/// the cluster; the worker wipes the material after use.
/// </summary>
/// <param name="CaCertificate">The namespace CA certificate (DER) on record.</param>
/// <param name="CaCreatedAt">When the namespace was created: the CA certificate's start of validity.</param>
[GenerateSerializer, Alias("Kms.Grains.Namespaces.CertificateGrant")]
public sealed record CertificateGrant(
    [property: Id(0)] string Identity,
    [property: Id(1)] byte[] CaKeyMaterial,
    [property: Id(2)] byte[] CaCertificate,
    [property: Id(3)] DateTimeOffset CaCreatedAt);

/// <summary>A certificate the namespace CA issued.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Namespaces.IssuedCertificateRecord")]
public sealed record IssuedCertificateRecord(
    [property: Id(0)] string Identity,
    [property: Id(1)] string CertificatePem,
    [property: Id(2)] string CaCertificatePem,
    [property: Id(3)] string Serial,
    [property: Id(4)] DateTimeOffset NotAfter);
