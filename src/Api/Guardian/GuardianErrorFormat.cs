using Microsoft.AspNetCore.Http;

namespace Kms.Api.Guardian;

/// <summary>
/// Errors as tee-guardian writes them: <c>{"error":"&lt;message&gt;"}</c>; an unexpected failure is
/// <c>"Internal server error (error_id: &lt;id&gt;)"</c> with the trace id the server log carries.
/// </summary>
internal sealed class GuardianErrorFormat : ApiErrorFormat
{
    public static GuardianErrorFormat Instance { get; } = new();

    public override Task WriteAsync(HttpContext context, ApiError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        HttpResponse response = context.Response;
        response.StatusCode = error.Status;
        SecurityHeaders.Apply(response);
        string message = error.Status == StatusCodes.Status500InternalServerError
            ? $"Internal server error (error_id: {ProblemResponseWriter.GetTraceId(context)})"
            : error.Detail;
        return response.WriteAsJsonAsync(new GuardianErrorBody(message), GuardianJsonContext.Default.GuardianErrorBody, contentType: null, cancellationToken);
    }
}
