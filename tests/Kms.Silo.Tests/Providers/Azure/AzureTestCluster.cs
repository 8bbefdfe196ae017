using Kms.Client.Cluster.Azure;
using System.Net;
using Kms.Silo.Providers.Azure;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>Starts silos and clients on loopback against Azurite, with test-only fast membership options.</summary>
internal static class AzureTestCluster
{
    public const string GrainStorageName = "kms-test";

    /// <summary>A cluster id and service id no other test uses (the Azurite tables are shared by the collection).</summary>
    public static ClusterOptions NewClusterIdentity()
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        return new ClusterOptions { ClusterId = "c" + suffix, ServiceId = "s" + suffix };
    }

    public static AzureStoreOptions StoreOptions(AzuriteServer azurite) => new() { ConnectionString = azurite.ConnectionString };

    /// <summary>A started silo with the KMS Azure providers; disposing it stops it.</summary>
    /// <param name="configure">Adds to the silo, e.g. the sealed KMS grain storage over the Azure one.</param>
    public static async Task<RunningHost> StartSiloAsync(
        AzuriteServer azurite, ClusterOptions cluster, string siloName, CancellationToken cancellationToken, Action<ISiloBuilder>? configure = null)
    {
        int siloPort = FreePorts.Next();
        int gatewayPort = FreePorts.Next();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseKmsAzureStorage(StoreOptions(azurite), GrainStorageName);
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = siloName);
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false);
            // Test-only: detect and publish membership changes in seconds instead of Orleans' minute-scale defaults.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(silo);
        });

        return await StartHostAsync(builder.Build(), cancellationToken);
    }

    /// <summary>A connected Orleans client that finds the gateways through the membership table.</summary>
    public static async Task<RunningHost> StartClientAsync(AzuriteServer azurite, ClusterOptions cluster, CancellationToken cancellationToken)
    {
        return await StartHostAsync(BuildClient(azurite, cluster), cancellationToken);
    }

    /// <summary>An Orleans client host, not started, configured with the client-side Azure extension.</summary>
    public static IHost BuildClient(AzuriteServer azurite, ClusterOptions cluster)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseKmsAzureStorageClustering(StoreOptions(azurite));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });

        return builder.Build();
    }

    private static async Task<RunningHost> StartHostAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
            return new RunningHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 200 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!await condition())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>A started silo or client host; disposing it stops it gracefully within a bound (once).</summary>
internal sealed class RunningHost(IHost host) : IAsyncDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(30);

    private bool _stopped;

    public IServiceProvider Services => host.Services;

    public IGrainFactory GrainFactory => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>This silo's address in Orleans' parsable form.</summary>
    public string SiloAddress => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(s_stopTimeout);
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }
}
