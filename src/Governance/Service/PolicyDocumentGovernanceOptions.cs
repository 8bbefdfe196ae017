namespace Kms.Governance.Service;

/// <summary>Options of <see cref="PolicyDocumentGovernance"/>.</summary>
public sealed class PolicyDocumentGovernanceOptions
{
    /// <summary>
    /// How long a policy read from the store is used before the store is asked again (other silos may have applied
    /// a newer one). Default: 5 seconds. Zero = ask the store on every decision.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
