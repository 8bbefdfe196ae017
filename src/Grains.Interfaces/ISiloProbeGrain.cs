namespace Kms.Grains;

/// <summary>
/// A round trip through the grain runtime and the grain storage: readiness checks call it so that a silo whose
/// store is unreachable reports not ready, and operators call it to see which silo serves a key.
/// </summary>
[Alias("Kms.Grains.ISiloProbeGrain")]
public interface ISiloProbeGrain : IGrainWithStringKey
{
    /// <summary>Persists one more probe and reports where it ran.</summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">Another activation wrote in between.</exception>
    [Alias("Probe")]
    Task<SiloProbeResult> ProbeAsync(CancellationToken cancellationToken = default);
}

/// <summary>The answer of a probe.</summary>
/// <param name="SiloName">The silo that hosts the probed grain.</param>
/// <param name="Probes">How many probes of this grain have been stored, this one included.</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.SiloProbeResult")]
public sealed record SiloProbeResult([property: Id(0)] string SiloName, [property: Id(1)] long Probes);
