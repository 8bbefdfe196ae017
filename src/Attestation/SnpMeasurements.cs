namespace Kms.Attestation;

/// <summary>The guest-visible fields of an AMD SEV-SNP attestation report.</summary>
public sealed record SnpMeasurements
{
    /// <summary>Report format version (2 or 3).</summary>
    public required uint Version { get; init; }

    public required uint GuestSvn { get; init; }

    /// <summary>The guest policy (bit 19 = DEBUG allowed).</summary>
    public required ulong Policy { get; init; }

    /// <summary>FAMILY_ID (16 bytes).</summary>
    public required ReadOnlyMemory<byte> FamilyId { get; init; }

    /// <summary>IMAGE_ID (16 bytes).</summary>
    public required ReadOnlyMemory<byte> ImageId { get; init; }

    public required uint Vmpl { get; init; }

    /// <summary>MEASUREMENT: launch digest (48 bytes).</summary>
    public required ReadOnlyMemory<byte> Measurement { get; init; }

    /// <summary>HOST_DATA (32 bytes).</summary>
    public required ReadOnlyMemory<byte> HostData { get; init; }

    /// <summary>ID_KEY_DIGEST (48 bytes).</summary>
    public required ReadOnlyMemory<byte> IdKeyDigest { get; init; }

    /// <summary>AUTHOR_KEY_DIGEST (48 bytes).</summary>
    public required ReadOnlyMemory<byte> AuthorKeyDigest { get; init; }

    /// <summary>REPORT_ID (32 bytes).</summary>
    public required ReadOnlyMemory<byte> ReportId { get; init; }

    /// <summary>CHIP_ID (64 bytes; zero when the guest masks it).</summary>
    public required ReadOnlyMemory<byte> ChipId { get; init; }

    /// <summary>REPORTED_TCB as a raw 64-bit TCB version.</summary>
    public required ulong ReportedTcb { get; init; }

    /// <summary>CURRENT_TCB as a raw 64-bit TCB version.</summary>
    public required ulong CurrentTcb { get; init; }

    /// <summary>COMMITTED_TCB as a raw 64-bit TCB version.</summary>
    public required ulong CommittedTcb { get; init; }

    /// <summary>LAUNCH_TCB as a raw 64-bit TCB version.</summary>
    public required ulong LaunchTcb { get; init; }

    /// <summary>PLATFORM_INFO bits.</summary>
    public required ulong PlatformInfo { get; init; }

    /// <summary>CPUID family/model/stepping (report version 3 and later; null for version 2).</summary>
    public byte? CpuidFamily { get; init; }

    public byte? CpuidModel { get; init; }

    public byte? CpuidStepping { get; init; }
}
