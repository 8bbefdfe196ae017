using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Kms.Api;

/// <summary><c>/livez</c> and <c>/readyz</c>, with the bodies of the Go provisioning backend.</summary>
internal static class HealthEndpoints
{
    public static JsonHttpResult<HealthStatus> Live(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(HealthStatus.Alive, KmsApiJsonContext.Default.HealthStatus);
    }

    public static async Task<JsonHttpResult<HealthStatus>> ReadyAsync(
        HttpContext context, [FromServices] IReadinessProbe probe, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        ReadinessReport report = await probe.CheckAsync(cancellationToken);
        return report.IsReady
            ? TypedResults.Json(HealthStatus.Ready, KmsApiJsonContext.Default.HealthStatus)
            : TypedResults.Json(
                new HealthStatus("not ready", report.Reason ?? "unknown"),
                KmsApiJsonContext.Default.HealthStatus,
                statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
