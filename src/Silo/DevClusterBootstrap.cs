using System.Security.Cryptography;
using Kms.Grains;
using Kms.Grains.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Silo;

/// <summary>
/// In development mode, initialises the cluster by itself on first start: one share (1 of 1) on this silo, the dev
/// admin key from the data directory registered as admin <c>dev-admin</c>, no recovery shares.
/// </summary>
internal sealed partial class DevClusterBootstrap(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<KmsSiloOptions> options,
    ILogger<DevClusterBootstrap> logger) : BackgroundService
{
    /// <summary>The name the dev admin has.</summary>
    public const string DevAdminName = "dev-admin";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await SiloStart.WaitAsync(lifetime, stoppingToken))
        {
            return;
        }

        KmsSiloOptions silo = options.Value;
        IClusterGrain cluster = grains.GetGrain<IClusterGrain>(IClusterGrain.Key);
        try
        {
            if ((await cluster.GetStatusAsync(stoppingToken)).State != ClusterState.Uninitialized)
            {
                return;
            }

            using ECDsa admin = DevKeyFile.LoadOrCreate(Path.Combine(silo.DataDirectory!, KmsSiloOptions.DevAdminKeyFileName));
            await cluster.InitializeAsync(
                new ClusterInitRequest(1, [silo.SiloName!], [new AdminKey(DevAdminName, admin.ExportSubjectPublicKeyInfo(), [])], 0),
                stoppingToken);
            LogInitialized(logger, KmsSiloOptions.DevAdminKeyFileName);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A silo whose store is down still starts (and reports not ready); the cluster is initialised on a later start.
            LogFailed(logger, exception.Message);
        }
    }


    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "DEV MODE: cluster initialised 1 of 1 on this silo; admin 'dev-admin' signs with {AdminKeyFile} in the data directory.")]
    private static partial void LogInitialized(ILogger logger, string adminKeyFile);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "DEV MODE: the cluster could not be initialised: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
