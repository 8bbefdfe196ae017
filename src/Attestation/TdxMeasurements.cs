namespace Kms.Attestation;

/// <summary>The measurement registers and attributes of a TDX TD report (TDX 1.0 body, plus the TDX 1.5 fields when present).</summary>
public sealed record TdxMeasurements
{
    /// <summary>TEE_TCB_SVN (16 bytes).</summary>
    public required ReadOnlyMemory<byte> TeeTcbSvn { get; init; }

    /// <summary>MRSEAM: measurement of the TDX module (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrSeam { get; init; }

    /// <summary>MRSIGNERSEAM (48 bytes; zero for Intel's module).</summary>
    public required ReadOnlyMemory<byte> MrSignerSeam { get; init; }

    /// <summary>SEAMATTRIBUTES (8 bytes).</summary>
    public required ReadOnlyMemory<byte> SeamAttributes { get; init; }

    /// <summary>TDATTRIBUTES (8 bytes); bit 0 is DEBUG.</summary>
    public required ReadOnlyMemory<byte> TdAttributes { get; init; }

    /// <summary>XFAM (8 bytes).</summary>
    public required ReadOnlyMemory<byte> Xfam { get; init; }

    /// <summary>MRTD: the initial TD contents (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrTd { get; init; }

    /// <summary>MRCONFIGID (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrConfigId { get; init; }

    /// <summary>MROWNER (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrOwner { get; init; }

    /// <summary>MROWNERCONFIG (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrOwnerConfig { get; init; }

    /// <summary>RTMR0..RTMR3 (48 bytes each), in order.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Rtmrs { get; init; }

    /// <summary>TEE_TCB_SVN_2 (16 bytes), TDX 1.5 bodies only.</summary>
    public ReadOnlyMemory<byte>? TeeTcbSvn2 { get; init; }

    /// <summary>MRSERVICETD (48 bytes), TDX 1.5 bodies only.</summary>
    public ReadOnlyMemory<byte>? MrServiceTd { get; init; }
}
