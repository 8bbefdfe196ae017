namespace Kms.Attestation.ProxyHeaders;

/// <summary>
/// Measurements a trusted attested-TLS proxy forwarded. For "qemu-tdx": MRTD and RTMR0..RTMR2, plus RTMR3 when sent
/// (48 bytes each); for "azure-tdx": vTPM PCRs by index (32 bytes each).
/// </summary>
public sealed record ProxyMeasurements
{
    /// <summary>"qemu-tdx" or "azure-tdx".</summary>
    public required string AttestationType { get; init; }

    /// <summary>MRTD (qemu-tdx only).</summary>
    public ReadOnlyMemory<byte>? MrTd { get; init; }

    /// <summary>RTMR0.. in order (qemu-tdx only; 3 or 4 entries).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Rtmrs { get; init; } = [];

    /// <summary>PCR values by index (azure-tdx only).</summary>
    public IReadOnlyDictionary<int, ReadOnlyMemory<byte>> Pcrs { get; init; } = new Dictionary<int, ReadOnlyMemory<byte>>();
}
