namespace Kms.Attestation.Azure;

/// <summary>The verified content of an Azure Attestation token.</summary>
public sealed record MaaToken
{
    public required string Issuer { get; init; }

    /// <summary>The key id (JWT "kid") of the JWKS key that verified the token.</summary>
    public string KeyId { get; init; } = string.Empty;

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The isolation TEE's attestation type: "sevsnpvm" or "tdxvm".</summary>
    public required string TeeType { get; init; }

    public required string ComplianceStatus { get; init; }

    public required bool Debug { get; init; }

    /// <summary>The isolation TEE's claims (x-ms-sevsnpvm-* / x-ms-tdx-*), hex values as issued, keyed by claim name.</summary>
    public required IReadOnlyDictionary<string, string> TeeClaims { get; init; }

    /// <summary>The whole claim set (JSON) as signed.</summary>
    public required string PayloadJson { get; init; }

    /// <summary>The vTPM attestation key (HCLAkPub JWK JSON) from the isolation TEE's runtime data, when present.</summary>
    public string? AttestationKeyJwk { get; init; }

    /// <summary>x-ms-runtime.client-payload.nonce, base64-decoded; null when absent.</summary>
    public byte[]? ClientNonce { get; init; }

    /// <summary>x-ms-isolation-tee.x-ms-runtime.user-data, hex-decoded; null when absent.</summary>
    public byte[]? UserData { get; init; }
}
