namespace Kms.Attestation.Providers;

/// <summary>Settings of <see cref="ConfigFsTsmEvidenceProvider"/>.</summary>
public sealed class ConfigFsTsmOptions
{
    /// <summary>The default of <see cref="ReportRoot"/>: where Linux mounts the configfs-tsm report interface.</summary>
    public const string DefaultReportRoot = "/sys/kernel/config/tsm/report";

    /// <summary>The directory report entries are created in. Default <see cref="DefaultReportRoot"/>.</summary>
    public string ReportRoot { get; set; } = DefaultReportRoot;

    /// <summary>The largest outblob accepted, in bytes (a TDX quote with its certification data is about 5 KiB).
    /// Default 64 KiB.</summary>
    public int MaxOutblobBytes { get; set; } = 64 * 1024;

    /// <summary>SEV-SNP only: the VMPL the report is requested for (written to <c>privlevel</c>); null leaves the
    /// kernel's default (the guest's own level). Default null.</summary>
    public int? PrivilegeLevel { get; set; }
}
