using Kms.Client.Cluster.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Kms.Client.Cluster;

/// <summary>Registers an Orleans <see cref="IClusterClient"/> configured like the KMS silos: same cluster id, the
/// same mutual TLS with the cluster CA.</summary>
public static class KmsClusterClientExtensions
{
    /// <summary>
    /// Adds an Orleans client for the KMS cluster. Gateways come from <see cref="KmsClusterClientOptions.Gateways"/>,
    /// or from a clustering store that <paramref name="configureClient"/> adds (the one the silos use).
    /// </summary>
    /// <exception cref="ClusterConfigurationException">The options are incomplete or the TLS files are unusable.</exception>
    public static IServiceCollection AddKmsClusterClient(
        this IServiceCollection services, Action<KmsClusterClientOptions> configure, Action<IClientBuilder>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new KmsClusterClientOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            throw new ClusterConfigurationException("The KMS cluster client needs the cluster id of the silos.");
        }

        if (!options.Tls.IsConfigured && !options.AllowPlaintext)
        {
            throw new ClusterConfigurationException(
                "The KMS cluster client needs TLS (certificate, key and cluster CA files); plaintext works only with " +
                "silos in development mode and must be allowed explicitly.");
        }

        string? postgres;
        try
        {
            postgres = options.PostgresConnectionString is { } configured ? PostgresConnectionString.ForProviders(configured) : null;
        }
        catch (ArgumentException exception)
        {
            throw new ClusterConfigurationException(exception.Message, exception);
        }

        ClusterTlsMaterial? tls = options.Tls.IsConfigured ? ClusterTlsMaterial.Load(options.Tls) : null;
        if (tls is not null)
        {
            services.AddSingleton(_ => tls); // disposed with the container
        }

        services.AddOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            if (options.AzureStorage is { } azure)
            {
                client.UseKmsAzureStorageClustering(azure);
            }
            else if (postgres is not null)
            {
                client.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = "Npgsql";
                    clustering.ConnectionString = postgres;
                });
            }
            else if (options.Gateways.Count > 0)
            {
                client.UseStaticClustering(options.Gateways.ToArray());
            }
            else
            {
                throw new ClusterConfigurationException(
                    "The KMS cluster client needs gateways: a PostgreSQL or Azure Storage store, or gateway endpoints.");
            }

            // Learn about dead and new gateways within seconds, as the silos' failure detection does.
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);

            if (tls is not null)
            {
                client.UseTls(tls.Apply);
            }

            configureClient?.Invoke(client);
        });
        return services;
    }
}
