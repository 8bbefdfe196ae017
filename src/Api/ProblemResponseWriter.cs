using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Kms.Api;

/// <summary>Writes <see cref="ApiError"/>s as RFC 9457 <c>application/problem+json</c> responses.</summary>
public static class ProblemResponseWriter
{
    /// <summary>The media type of every error response.</summary>
    public const string ProblemJsonContentType = "application/problem+json";

    /// <summary>The id that ties a response to the server log: the W3C trace id when tracing, else the request id.</summary>
    public static string GetTraceId(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Activity.Current?.Id ?? context.TraceIdentifier;
    }

    /// <summary>Sets status and headers and writes the problem document. The response must not have started.</summary>
    public static Task WriteAsync(HttpContext context, ApiError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);

        HttpResponse response = context.Response;
        response.StatusCode = error.Status;
        SecurityHeaders.Apply(response);
        return response.WriteAsJsonAsync(
            error.ToProblemDocument(GetTraceId(context)),
            KmsApiJsonContext.Default.ProblemDocument,
            ProblemJsonContentType,
            cancellationToken);
    }
}
