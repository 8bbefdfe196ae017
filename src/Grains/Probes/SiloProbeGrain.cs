using Orleans.Placement;

namespace Kms.Grains.Probes;

/// <summary>Implements <see cref="ISiloProbeGrain"/>: one persisted counter per key.</summary>
/// <remarks>Placed on the calling silo where it can be, so that a silo's readiness check tests its own storage
/// path rather than another silo's.</remarks>
[PreferLocalPlacement]
internal sealed class SiloProbeGrain(
    [PersistentState("probe", GrainStorageNames.Kms)] IPersistentState<SiloProbeState> state,
    ILocalSiloDetails silo) : Grain, ISiloProbeGrain
{
    public async Task<SiloProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        state.State.Probes++;
        await state.WriteStateAsync(cancellationToken);
        return new SiloProbeResult(silo.Name, state.State.Probes);
    }
}

/// <summary>The persisted state of a <see cref="SiloProbeGrain"/>.</summary>
[GenerateSerializer, Alias("Kms.SiloProbeState")]
public sealed class SiloProbeState
{
    /// <summary>How many probes were stored.</summary>
    [Id(0)]
    public long Probes { get; set; }
}
