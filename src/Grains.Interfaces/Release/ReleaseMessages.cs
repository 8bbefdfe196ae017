namespace Kms.Grains.Release;

/// <summary>Evidence as a workload sends it.</summary>
/// <param name="EvidenceType">The verifier to use ("tdx-dcap", "sev-snp", "azure-cvm", "azure-maa", "dev").</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Release.EvidenceSubmission")]
public sealed record EvidenceSubmission([property: Id(0)] string EvidenceType, [property: Id(1)] byte[] Evidence);

/// <summary>The key a release is sealed to.</summary>
/// <param name="Scheme">"hpke-x25519" (default), "hpke-p256", "hpke-xwing" (post-quantum), "rsa-oaep-256" or "ecies-go".</param>
/// <param name="PublicKey">Raw X25519 (32 bytes), uncompressed P-256 (65 bytes), X-Wing (1216 bytes) or RSA
/// SubjectPublicKeyInfo DER.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Release.RecipientKey")]
public sealed record RecipientKey([property: Id(0)] string Scheme, [property: Id(1)] byte[] PublicKey);

/// <summary>An attested request: evidence whose report data binds the challenge, the instance id and the recipient.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Release.AttestedRequest")]
public sealed record AttestedRequest(
    [property: Id(0)] string Namespace,
    [property: Id(1)] EvidenceSubmission Evidence,
    [property: Id(2)] byte[] Challenge,
    [property: Id(3)] byte[] InstanceId);

/// <summary>Which derived key: HKDF-SHA256(NK, purpose ‖ identity ‖ name ‖ version).</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Release.DerivedKeySpec")]
public sealed record DerivedKeySpec(
    [property: Id(0)] string Purpose,
    [property: Id(1)] string Name,
    [property: Id(2)] uint Version,
    [property: Id(3)] int Length);

/// <summary>A secret sealed to the workload's key.</summary>
/// <param name="KeyEpoch">The namespace key epoch of a derived key, or the version of a namespace secret.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Release.SealedRelease")]
public sealed record SealedRelease(
    [property: Id(0)] string Identity,
    [property: Id(1)] long KeyEpoch,
    [property: Id(2)] string Scheme,
    [property: Id(3)] byte[] Encapsulation,
    [property: Id(4)] byte[] Ciphertext);
