using Kms.Grains.Release;

namespace Kms.Grains.Registry;

/// <summary>How a Go TEE registry request ended, as the front end maps it to an HTTP status.</summary>
public enum RegistryOutcome
{
    /// <summary>Served (200).</summary>
    Ok = 0,

    /// <summary>The request is malformed (400).</summary>
    BadRequest = 1,

    /// <summary>Governance or the evidence said no (401, as the Go system answers refusals).</summary>
    Unauthorized = 2,

    /// <summary>Nothing is known under that id (404).</summary>
    NotFound = 3,

    /// <summary>What the Go system does here is not done by Orleans.Kms (501).</summary>
    NotImplemented = 4,

    /// <summary>Governance, the shares or the KMS's own evidence cannot be had now; nothing was released (503).</summary>
    Unavailable = 5,
}

/// <summary>
/// What an instance claims about itself. Either the headers of a trusted attested-TLS proxy
/// (<paramref name="ProxyAttestationType"/>, <paramref name="ProxyMeasurements"/>, raw header values), or its own evidence
/// (<paramref name="Evidence"/>) whose report data binds <paramref name="Challenge"/>, <paramref name="InstanceId"/>
/// and the CSR's public key (the native API's certificate binding).
/// </summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Registry.RegistryClaim")]
public sealed record RegistryClaim(
    [property: Id(0)] string? ProxyAttestationType,
    [property: Id(1)] string? ProxyMeasurements,
    [property: Id(2)] EvidenceSubmission? Evidence = null,
    [property: Id(3)] byte[]? Challenge = null,
    [property: Id(4)] byte[]? InstanceId = null);

/// <summary><c>POST /api/attested/secrets/{contract}</c>: the application (0x + 40 lowercase hex), the raw body and the claim.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Registry.AppSecretsRequest")]
public sealed record AppSecretsRequest(
    [property: Id(0)] string Contract,
    [property: Id(1)] byte[] CertificateRequestPem,
    [property: Id(2)] RegistryClaim Claim);

/// <summary>
/// The Go <c>AppSecrets</c>: PEM bytes of the app key (<c>EC PRIVATE KEY</c>) and of the leaf certificate, the KMS
/// operator address (20 bytes) and the KMS's own evidence over their report data.
/// </summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Registry.AppSecretsRecord")]
public sealed record AppSecretsRecord(
    [property: Id(0)] byte[] AppPrivateKeyPem,
    [property: Id(1)] byte[] TlsCertificatePem,
    [property: Id(2)] byte[] Operator,
    [property: Id(3)] byte[] Attestation);

/// <summary>The Go <c>PKIResponse</c>: the namespace CA and app public key (PEM bytes) and the KMS's evidence over them.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Registry.AppPkiRecord")]
public sealed record AppPkiRecord(
    [property: Id(0)] byte[] CaCertificatePem,
    [property: Id(1)] byte[] AppPublicKeyPem,
    [property: Id(2)] byte[] Attestation);

/// <summary>A registry answer: the outcome, the plain-text message of a failure (no trailing newline) and the value on success.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Registry.RegistryResult`1")]
public sealed record RegistryResult<T>(
    [property: Id(0)] RegistryOutcome Outcome,
    [property: Id(1)] string Message,
    [property: Id(2)] T? Value)
    where T : class
{
    /// <summary>A failure.</summary>
    public static RegistryResult<T> Fail(RegistryOutcome outcome, string message) => new(outcome, message, null);

    /// <summary>A success.</summary>
    public static RegistryResult<T> Ok(T value) => new(RegistryOutcome.Ok, string.Empty, value);
}

/// <summary>Why a namespace refused a registry request.</summary>
public enum RegistryRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>The KMS governance does not allow the application (or the namespace is not governed onchain).</summary>
    ApplicationNotAllowed = 1,

    /// <summary><c>IdentityAllowed</c> said no, or the namespace's evidence policy or revocations refuse the instance.</summary>
    IdentityNotAllowed = 2,

    /// <summary><c>IdentityAllowed</c> reverted (the operator lacks ROLE_OPERATOR).</summary>
    IdentityCheckReverted = 3,
}

/// <summary>
/// What a namespace hands the local registry worker for one admitted request: key material that never leaves the
/// cluster — the CA key material (derived from the epoch-0 namespace key, as the namespace's own CA) and the app key
/// material (derived from the namespace key in force) — and the CA certificate to check the rebuilt CA against.
/// </summary>
[GenerateSerializer, Alias("Kms.Grains.Registry.RegistryKeyGrant")]
public sealed record RegistryKeyGrant(
    [property: Id(0)] string Identity,
    [property: Id(1)] long KeyEpoch,
    [property: Id(2)] byte[] CaKeyMaterial,
    [property: Id(3)] byte[] CaCertificateDer,
    [property: Id(4)] byte[] AppKeyMaterial);

/// <summary>A namespace's registry answer: refused (and why), or the grant.</summary>
[GenerateSerializer, Alias("Kms.Grains.Registry.RegistryGrantResult")]
public sealed record RegistryGrantResult(
    [property: Id(0)] RegistryRefusal Refusal,
    [property: Id(1)] string Detail,
    [property: Id(2)] RegistryKeyGrant? Grant);
