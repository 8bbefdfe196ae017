namespace Kms.Silo;

/// <summary>The Orleans Dashboard (section <c>Silo:Dashboard</c>): grains, silos and call statistics in a browser.</summary>
public sealed class SiloDashboardOptions
{
    /// <summary>The dashboard port when none is configured.</summary>
    public const int DefaultPort = 8081;

    /// <summary>Serve the dashboard. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Port of the dashboard, served under <c>/dashboard</c> on 127.0.0.1 only (reach it through an SSH
    /// tunnel); it shows grain ids and silo addresses, not keys. Default: 8081.</summary>
    public int Port { get; set; } = DefaultPort;
}
