using Kms.Actors.Hosting;
using Kms.Actors.Membership;
using Kms.Api;
using Microsoft.Extensions.Hosting;

namespace Kms.Silo;

/// <summary>
/// Readiness of this silo for <c>/readyz</c>: ready only while the actor runtime is Active and the host has started
/// everything; not ready again as soon as shutdown begins, so load balancers drain the silo before it stops.
/// </summary>
internal sealed class SiloReadinessProbe : IReadinessProbe
{
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ISiloStatus _runtime;

    public SiloReadinessProbe(IHostApplicationLifetime lifetime, ISiloStatus runtime)
    {
        _lifetime = lifetime;
        _runtime = runtime;
    }

    public ValueTask<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return ValueTask.FromResult(ReadinessReport.NotReady("silo is stopping"));
        }

        if (!_runtime.IsActive)
        {
            return ValueTask.FromResult(ReadinessReport.NotReady(DescribeInactive(_runtime.Status)));
        }

        if (!_lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return ValueTask.FromResult(ReadinessReport.NotReady("silo is starting"));
        }

        return ValueTask.FromResult(ReadinessReport.Ready);
    }

    private static string DescribeInactive(SiloStatus status) => status switch
    {
        SiloStatus.None => "actor runtime has not started",
        SiloStatus.Joining => "actor runtime is joining the cluster",
        SiloStatus.ShuttingDown => "actor runtime is shutting down",
        SiloStatus.Dead => "actor runtime has stopped",
        _ => $"actor runtime is {status}",
    };
}
