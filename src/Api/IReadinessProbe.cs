namespace Kms.Api;

/// <summary>
/// Tells <c>GET /readyz</c> whether the silo can serve requests. The silo implements it from the actor runtime's
/// status; load balancers stop sending traffic while it reports not ready (starting, stopping, runtime down).
/// </summary>
public interface IReadinessProbe
{
    /// <summary>Returns the current readiness. Must be cheap: it is called on every probe request.</summary>
    ValueTask<ReadinessReport> CheckAsync(CancellationToken cancellationToken);
}
