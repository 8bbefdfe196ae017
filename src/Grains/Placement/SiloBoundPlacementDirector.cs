using Orleans.Runtime.Placement;

namespace Kms.Grains.Placement;

/// <summary>Chooses, for a <see cref="SiloBoundPlacement"/> grain, the active silo its key names.</summary>
/// <remarks>Names come from the membership snapshot; when two active members carry the same name (a silo restarted
/// under a new generation before the old one was declared dead), the newest generation wins.</remarks>
public sealed class SiloBoundPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        GrainId grain = target.GrainIdentity;
        if (!SiloBoundKey.TryGetSiloName(grain.Key.ToString(), out string siloName))
        {
            throw new ArgumentException(
                $"Grain {grain} uses silo-bound placement, but its key does not start with '<silo name>/'.");
        }

        SiloAddress[] compatible = context.GetCompatibleSilos(target);
        SiloAddress? chosen = null;
        foreach (ClusterMember member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active
                && string.Equals(member.Name, siloName, StringComparison.Ordinal)
                && Array.IndexOf(compatible, member.SiloAddress) >= 0
                && (chosen is null || member.SiloAddress.Generation > chosen.Generation))
            {
                chosen = member.SiloAddress;
            }
        }

        return chosen is null
            ? throw new OwnerSiloUnavailableException(grain.ToString(), siloName)
            : Task.FromResult(chosen);
    }
}
