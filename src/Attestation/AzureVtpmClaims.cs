namespace Kms.Attestation;

/// <summary>What an Azure confidential VM proved through its vTPM, or what an MAA token states about it.</summary>
public sealed record AzureVtpmClaims
{
    /// <summary>vTPM PCR values by index (SHA-256 bank, 32 bytes each). Empty for an MAA token, which carries no PCR values.</summary>
    public required IReadOnlyDictionary<int, ReadOnlyMemory<byte>> Pcrs { get; init; }

    /// <summary>The HCL runtime-claims JSON (raw evidence) or the token's claim set (MAA), as received.</summary>
    public string? RuntimeClaimsJson { get; init; }

    /// <summary>The vTPM attestation key (HCLAkPub) as a JWK JSON object, when present.</summary>
    public string? AttestationKeyJwk { get; init; }

    /// <summary>The MAA issuer for token evidence; null for raw evidence.</summary>
    public string? Issuer { get; init; }
}
