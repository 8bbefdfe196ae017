using System.Net;
using Kms.Silo.Providers.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>A silo in this test process on loopback ports, clustered and stored through PostgreSQL.</summary>
internal sealed class PostgresTestSilo : IAsyncDisposable
{
    public const string ClusterId = "kms-pg-tests";
    public const string ServiceId = "kms-pg-tests-service";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private bool _stopped;

    private PostgresTestSilo(IHost host, int siloPort, int gatewayPort)
    {
        Host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public IHost Host { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IGrainFactory GrainFactory => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Builds and starts a silo; <paramref name="configure"/> adjusts the PostgreSQL options.</summary>
    public static async Task<PostgresTestSilo> StartAsync(string connectionString, string name, Action<PostgresStoreOptions>? configure = null)
    {
        int siloPort = FreePorts.Next();
        int gatewayPort = FreePorts.Next();
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = ClusterId;
                cluster.ServiceId = ServiceId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false);
            // Test-only timings: a stopped or dead silo is noticed in seconds, not the production minute.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 2;
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.UseKmsPostgres(options =>
            {
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            });
        });

        IHost host = builder.Build();
        using var timeout = new CancellationTokenSource(s_startTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new PostgresTestSilo(host, siloPort, gatewayPort);
    }

    /// <summary>Stops the silo gracefully (it leaves the cluster and marks itself dead).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(s_startTimeout);
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Host.Dispose();
        }
    }

}
