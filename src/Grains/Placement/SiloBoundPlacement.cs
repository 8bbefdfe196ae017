using Orleans.Placement;

namespace Kms.Grains.Placement;

/// <summary>
/// Places a grain on the one silo its key names (<c>"&lt;silo name&gt;/…"</c>, see <see cref="SiloBoundKey"/>), and
/// nowhere else: while that silo is not an active member, activating the grain fails at once with
/// <see cref="OwnerSiloUnavailableException"/> instead of moving it.
/// </summary>
/// <remarks>For state that belongs to one machine, such as a key share sealed to that silo: a threshold of the other
/// silos absorbs the loss of one; moving the grain would only make it fail later and more confusingly.</remarks>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("Kms.SiloBoundPlacement")]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    /// <summary>The one instance the attribute uses.</summary>
    public static SiloBoundPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="SiloBoundPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SiloBoundPlacementAttribute()
        : base(SiloBoundPlacement.Instance)
    {
    }
}
