using Kms.Api;
using Kms.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kms.Silo;

/// <summary>
/// Readiness of this silo for <c>/readyz</c>: ready only while the Orleans silo is an active cluster member, the host
/// has started everything, and a grain state write through this silo succeeds (the store is reachable); not ready as
/// soon as shutdown begins, so load balancers drain the silo before it stops.
/// </summary>
/// <remarks>The storage check runs at most once per <see cref="StorageCheckInterval"/>; probes in between reuse its
/// answer, so a load balancer probing often does not turn into a write per probe.</remarks>
internal sealed partial class SiloReadinessProbe(
    IHostApplicationLifetime lifetime,
    ISiloStatusOracle membership,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<SiloReadinessProbe> logger) : IReadinessProbe
{
    internal static readonly TimeSpan StorageCheckInterval = TimeSpan.FromSeconds(2);
    internal static readonly TimeSpan StorageCheckTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _storageCheck = new(1, 1);
    private (ReadinessReport Report, long Timestamp)? _lastStorageCheck;

    public async ValueTask<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return ReadinessReport.NotReady("silo is stopping");
        }

        SiloStatus status = membership.CurrentStatus;
        if (status != SiloStatus.Active)
        {
            return ReadinessReport.NotReady(Describe(status));
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return ReadinessReport.NotReady("silo is starting");
        }

        return await CheckStorageAsync(cancellationToken);
    }

    private async ValueTask<ReadinessReport> CheckStorageAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _storageCheck.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } concurrent)
            {
                return concurrent;
            }

            ReadinessReport report = await ProbeStorageAsync(cancellationToken);
            _lastStorageCheck = (report, time.GetTimestamp());
            return report;
        }
        finally
        {
            _storageCheck.Release();
        }
    }

    private ReadinessReport? Fresh()
        => _lastStorageCheck is { } last && time.GetElapsedTime(last.Timestamp) < StorageCheckInterval ? last.Report : null;

    private async Task<ReadinessReport> ProbeStorageAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StorageCheckTimeout);
        try
        {
            await grains.GetGrain<ISiloProbeGrain>("readiness/" + membership.SiloName).ProbeAsync(timeout.Token);
            return ReadinessReport.Ready;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogStorageProbeTimedOut(logger, StorageCheckTimeout);
            return ReadinessReport.NotReady("grain storage did not answer in time");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The exception may name hosts or accounts of the store: it goes to the log, not to the response.
            LogStorageProbeFailed(logger, exception);
            return ReadinessReport.NotReady("grain storage is unavailable");
        }
    }

    private static string Describe(SiloStatus status) => status switch
    {
        SiloStatus.None or SiloStatus.Created => "Orleans silo has not started",
        SiloStatus.Joining => "Orleans silo is joining the cluster",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "Orleans silo is shutting down",
        SiloStatus.Dead => "Orleans silo was declared dead",
        _ => $"Orleans silo is {status}",
    };

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Readiness: the grain storage probe failed")]
    private static partial void LogStorageProbeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Readiness: the grain storage probe took longer than {Timeout}")]
    private static partial void LogStorageProbeTimedOut(ILogger logger, TimeSpan timeout);
}
