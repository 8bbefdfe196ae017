namespace Kms.Grains.Storage;

/// <summary>What the underlying store holds for a grain state: only the sealed bytes.</summary>
[GenerateSerializer, Alias("Kms.SealedGrainState")]
public sealed class SealedGrainState
{
    /// <summary>The state, serialized and sealed by <see cref="GrainStateSealer"/>.</summary>
    [Id(0)]
    public byte[] Sealed { get; set; } = [];
}
