namespace Kms.Grains.KeyShares;

/// <summary>The stored state of a <see cref="KeyShareGrain"/>: the share, sealed again under the silo's own key.</summary>
[GenerateSerializer, Alias("Kms.Grains.KeyShares.KeyShareState")]
public sealed class KeyShareState
{
    /// <summary>The share's index (x coordinate); 0 while no share is held.</summary>
    [Id(0)]
    public int ShareIndex { get; set; }

    /// <summary>t of the share's epoch.</summary>
    [Id(1)]
    public int Threshold { get; set; }

    /// <summary>The Feldman commitments of the share's epoch.</summary>
    [Id(2)]
    public byte[] Commitments { get; set; } = [];

    /// <summary>The encoded share sealed by <see cref="SiloSealingKey"/>; empty while none is held or once wiped.</summary>
    [Id(3)]
    public byte[] SealedShare { get; set; } = [];

    /// <summary>Whether the share was wiped after its epoch was replaced; a wiped grain never takes a share again.</summary>
    [Id(4)]
    public bool Wiped { get; set; }
}
