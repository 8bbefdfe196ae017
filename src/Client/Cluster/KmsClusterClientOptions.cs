using System.Net;

namespace Kms.Client.Cluster;

/// <summary>How a trusted .NET service reaches the KMS cluster as an Orleans client.</summary>
public sealed class KmsClusterClientOptions
{
    /// <summary>The cluster id the silos run with (<c>--cluster-id</c>). Required.</summary>
    public string? ClusterId { get; set; }

    /// <summary>The service id the silos run with; grain state is keyed by it. Default: <c>orleans-kms</c>.</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>The service id of a KMS unless configured otherwise.</summary>
    public const string DefaultServiceId = "orleans-kms";

    /// <summary>Silo gateway endpoints to connect to when no shared clustering store is configured (the silos'
    /// <c>GatewayPort</c>). Default: none.</summary>
    public IList<IPEndPoint> Gateways { get; } = [];

    /// <summary>Npgsql connection string of the PostgreSQL store the silos use (<c>--store Postgres</c>): the client
    /// finds live gateways in its membership table. Default: none.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The Azure Storage account the silos use (<c>--store AzureStorage</c>): the client finds live gateways in
    /// its membership table (blob settings are not used). Default: none.</summary>
    public Azure.AzureStoreOptions? AzureStorage { get; set; }

    /// <summary>The client's certificate and the cluster CA. Required unless <see cref="AllowPlaintext"/>.</summary>
    public ClusterTlsOptions Tls { get; } = new();

    /// <summary>How often the client rereads the live gateways from the store. Orleans' default: 1 minute.
    /// Default: 5 seconds, so that clients stop using a dead or frozen silo about as fast as the silos notice.</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connect without TLS, to a silo in development mode only. Default: <see langword="false"/>.</summary>
    public bool AllowPlaintext { get; set; }
}
