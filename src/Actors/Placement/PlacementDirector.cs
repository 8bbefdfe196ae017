using Kms.Actors.Membership;
using Kms.Actors.Runtime;

namespace Kms.Actors.Placement;

/// <summary>Chooses the silo for a grain that has no activation yet. Placement is a hint: the chosen silo registers
/// the activation in the directory, which arbitrates races.</summary>
internal static class PlacementDirector
{
    /// <summary>Rendezvous (highest-random-weight) hashing over the Active silos: each silo scores
    /// <c>hash(grain, silo)</c> and the highest wins. When a silo joins or leaves, only the grains it wins or
    /// held move — unlike <c>hash mod n</c>, which moves most grains.</summary>
    public static SiloAddress SelectByRendezvousHash(GrainId grainId, IReadOnlyList<MembershipEntry> activeSilos)
    {
        if (activeSilos.Count == 0)
        {
            throw new SiloUnavailableException($"No Active silo can host {grainId}.");
        }

        string grain = grainId.ToString();
        SiloAddress best = activeSilos[0].Address;
        ulong bestScore = 0;
        for (int i = 0; i < activeSilos.Count; i++)
        {
            ulong score = StableHash.Of(grain, activeSilos[i].Address.ToString());
            if (i == 0 || score > bestScore)
            {
                (best, bestScore) = (activeSilos[i].Address, score);
            }
        }

        return best;
    }

    /// <summary>The silo a <see cref="PinnedToSiloAttribute"/> grain must live on; fails if it is not Active.</summary>
    public static SiloAddress SelectPinned(GrainId grainId, IReadOnlyList<MembershipEntry> activeSilos)
    {
        string siloName = PinnedToSiloAttribute.SiloNameOf(grainId.Key);
        foreach (MembershipEntry silo in activeSilos)
        {
            if (string.Equals(silo.SiloName, siloName, StringComparison.Ordinal))
            {
                return silo.Address;
            }
        }

        throw new SiloUnavailableException($"{grainId} is pinned to silo '{siloName}', which is not Active; it is never activated elsewhere.");
    }

    public static SiloAddress Select(GrainClass grainClass, GrainId grainId, IReadOnlyList<MembershipEntry> activeSilos)
        => grainClass.IsPinnedToSilo ? SelectPinned(grainId, activeSilos) : SelectByRendezvousHash(grainId, activeSilos);
}
