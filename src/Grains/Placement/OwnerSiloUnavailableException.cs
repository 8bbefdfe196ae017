namespace Kms.Grains.Placement;

/// <summary>
/// A silo-bound grain was called while the silo its key names is not an active member of the cluster.
/// </summary>
[GenerateSerializer, Alias("Kms.OwnerSiloUnavailableException")]
public sealed class OwnerSiloUnavailableException : OrleansException
{
    /// <summary>Creates the exception for a grain and the silo it is bound to.</summary>
    public OwnerSiloUnavailableException(string grainId, string siloName)
        : base($"Grain {grainId} lives only on silo '{siloName}', which is not an active member of the cluster.")
    {
        GrainIdText = grainId;
        SiloName = siloName;
    }

    /// <summary>The grain that was called.</summary>
    [Id(0)]
    public string GrainIdText { get; }

    /// <summary>The silo the grain is bound to.</summary>
    [Id(1)]
    public string SiloName { get; }
}
