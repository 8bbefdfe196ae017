namespace Kms.Grains.Kbs;

/// <summary>A <c>register_workload</c> request.</summary>
/// <param name="LaunchMeasurement">Hex: an SEV-SNP launch MEASUREMENT (96 hex, admits SHA-256 of it: a workload with
/// zero HOST_DATA) or a measurement identity (64 hex, as the registry computes it for any TEE type).</param>
/// <param name="TeeConfig">The reference's <c>tee_config</c>: empty or JSON text; checked, not used (the namespace
/// policy decides TEE types, debug and TCB).</param>
/// <param name="Passphrase">The secret released to the workload (UTF-8 bytes); the holder wipes it.</param>
[GenerateSerializer, Alias("Kms.Grains.Kbs.KbsWorkloadRegistration")]
public sealed record KbsWorkloadRegistration(
    [property: Id(0)] string LaunchMeasurement,
    [property: Id(1)] string TeeConfig,
    [property: Id(2)] byte[] Passphrase);

/// <summary>A registered workload.</summary>
/// <param name="Namespace">The registry namespace the workload lives in.</param>
/// <param name="Identity">The measurement identity admitted.</param>
/// <param name="SecretVersion">The version of the secret now in force.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsWorkloadInfo")]
public sealed record KbsWorkloadInfo(
    [property: Id(0)] string WorkloadId,
    [property: Id(1)] string Namespace,
    [property: Id(2)] string Identity,
    [property: Id(3)] int SecretVersion);

/// <summary>An <c>/auth</c> request as the front end parsed it (kbs-types <c>Request</c>).</summary>
/// <param name="Tee">"snp", "tdx" or "dev" (others, such as "sev", are refused).</param>
/// <param name="ExtraParams">The <c>extra-params</c> JSON text exactly as sent; it names the workload.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsAuthRequest")]
public sealed record KbsAuthRequest(
    [property: Id(0)] string Version,
    [property: Id(1)] string Tee,
    [property: Id(2)] string ExtraParams);

/// <summary>A started session: its id, which is its nonce, and when the attestation must have arrived.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsChallenge")]
public sealed record KbsChallenge(
    [property: Id(0)] string SessionId,
    [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>What a session was started for.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsSessionStart")]
public sealed record KbsSessionStart(
    [property: Id(0)] string Tee,
    [property: Id(1)] string WorkloadId);

/// <summary>The <c>tee-pubkey</c> strings exactly as sent (the report data binds them as text).</summary>
/// <param name="Alg">"RSA" (reference), "RSA-OAEP-256", "RSA1_5" or "hpke-xwing".</param>
/// <param name="KMod">RSA modulus, standard base64 (RSA only).</param>
/// <param name="KExp">RSA public exponent, standard base64 (RSA only).</param>
/// <param name="Key">The 1216-byte X-Wing public key, standard base64 (hpke-xwing only).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsTeePubKey")]
public sealed record KbsTeePubKey(
    [property: Id(0)] string Alg,
    [property: Id(1)] string? KMod,
    [property: Id(2)] string? KExp,
    [property: Id(3)] string? Key);

/// <summary>An <c>/attest</c> request: the TEE key and the <c>tee-evidence</c> JSON text.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsAttestation")]
public sealed record KbsAttestation(
    [property: Id(0)] KbsTeePubKey TeePubKey,
    [property: Id(1)] string TeeEvidence);

/// <summary>An attested session's right to one release.</summary>
/// <param name="Scheme">How the secret is sealed: "rsa-oaep-256", "rsa-pkcs1" or "hpke-xwing".</param>
/// <param name="PublicKey">RSA SubjectPublicKeyInfo DER, or the X-Wing key.</param>
/// <param name="Workload">The verified workload (the namespace decides again at release: revocations take effect).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsAuthorization")]
public sealed record KbsAuthorization(
    [property: Id(0)] string WorkloadId,
    [property: Id(1)] string Scheme,
    [property: Id(2)] byte[] PublicKey,
    [property: Id(3)] Namespaces.VerifiedWorkload Workload);

/// <summary>The secret sealed to the TEE key.</summary>
/// <param name="Scheme">"rsa-oaep-256" or "rsa-pkcs1" (<see cref="Ciphertext"/> is one RSA block) or "hpke-xwing"
/// (<see cref="Encapsulation"/> 1120 bytes and AES-256-GCM <see cref="Ciphertext"/>).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Kbs.KbsSealedSecret")]
public sealed record KbsSealedSecret(
    [property: Id(0)] string Scheme,
    [property: Id(1)] byte[] Encapsulation,
    [property: Id(2)] byte[] Ciphertext);
