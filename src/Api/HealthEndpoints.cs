using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Kms.Api;

/// <summary><c>/livez</c> and <c>/readyz</c>, with the bodies of the Go provisioning backend.</summary>
internal static class HealthEndpoints
{
    public static JsonHttpResult<HealthStatus> Live(HttpContext context)
    {
        SecurityHeaders.Apply(context.Response);
        return TypedResults.Json(HealthStatus.Alive, KmsApiJsonContext.Default.HealthStatus);
    }

    public static async Task<JsonHttpResult<HealthStatus>> ReadyAsync(
        HttpContext context, [FromServices] IReadinessProbe probe, CancellationToken cancellationToken)
    {
        SecurityHeaders.Apply(context.Response);
        ReadinessReport report = await probe.CheckAsync(cancellationToken);
        return report.IsReady
            ? TypedResults.Json(HealthStatus.Ready, KmsApiJsonContext.Default.HealthStatus)
            : TypedResults.Json(
                new HealthStatus("not ready", report.Reason ?? "unknown"),
                KmsApiJsonContext.Default.HealthStatus,
                statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
