namespace Kms.Governance.Policy;

/// <summary>A workload identity the namespace admits, with its config hash and optional expiry.</summary>
/// <param name="Identity">The workload identity.</param>
/// <param name="ConfigHash">The 32-byte hash of the configuration the workload receives, if any.</param>
/// <param name="NotAfter">The instant from which the identity is no longer admitted; <see langword="null"/> = no expiry.</param>
public sealed record AllowedIdentity(WorkloadIdentity Identity, byte[]? ConfigHash, DateTimeOffset? NotAfter)
{
    /// <summary>Whether the entry admits its identity at <paramref name="now"/> (expiry is exclusive).</summary>
    public bool IsValidAt(DateTimeOffset now) => NotAfter is null || now < NotAfter.Value;
}
