using Kms.Api;
using Microsoft.Extensions.Hosting;

namespace Kms.Silo;

/// <summary>
/// Readiness of this silo for <c>/readyz</c>: not ready until the host has started everything, and not ready again
/// as soon as shutdown begins, so load balancers drain the silo before it stops.
/// </summary>
internal sealed class SiloReadinessProbe : IReadinessProbe
{
    private readonly IHostApplicationLifetime _lifetime;

    public SiloReadinessProbe(IHostApplicationLifetime lifetime)
    {
        _lifetime = lifetime;
    }

    public ValueTask<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return ValueTask.FromResult(ReadinessReport.NotReady("silo is stopping"));
        }

        if (!_lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return ValueTask.FromResult(ReadinessReport.NotReady("silo is starting"));
        }

        return ValueTask.FromResult(ReadinessReport.Ready);
    }
}
