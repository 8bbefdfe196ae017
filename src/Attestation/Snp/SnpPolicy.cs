namespace Kms.Attestation.Snp;

/// <summary>What an SEV-SNP report must satisfy beyond a valid signature and chain.</summary>
public sealed record SnpPolicy
{
    /// <summary>Accept guests whose policy allows debugging (guest policy bit 19). Default: false.</summary>
    public bool AllowDebug { get; init; }

    /// <summary>
    /// The lowest acceptable REPORTED_TCB, component by component (bootloader, TEE, SNP, microcode and, on Turin, FMC).
    /// Default: all zero (any TCB the chain vouches for).
    /// </summary>
    public SnpTcbVersion MinimumTcb { get; init; }

    /// <summary>
    /// The highest (least privileged) VMPL a report may come from; 0 is the most privileged level. Default: 3 (any).
    /// </summary>
    public uint MaximumVmpl { get; init; } = 3;

    /// <summary>Chip ids (64 bytes) the report must come from; null accepts any chip. Default: null.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? AllowedChipIds { get; init; }

    /// <summary>Launch measurements (48 bytes) the report must carry; null accepts any. Default: null.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? AllowedMeasurements { get; init; }

    /// <summary>HOST_DATA values (32 bytes) the report must carry; null accepts any. Default: null.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? AllowedHostData { get; init; }

    /// <summary>The default policy: no debug, any TCB, any VMPL, chip, measurement and host data.</summary>
    public static SnpPolicy Default { get; } = new();
}
