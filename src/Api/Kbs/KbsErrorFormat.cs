using System.Text;
using Microsoft.AspNetCore.Http;

namespace Kms.Api.Kbs;

/// <summary>Errors as the reference KBS (Rocket) writes them: <c>text/plain; charset=utf-8</c>, the message as the body.</summary>
internal sealed class KbsErrorFormat : ApiErrorFormat
{
    public static KbsErrorFormat Instance { get; } = new();

    public override Task WriteAsync(HttpContext context, ApiError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        HttpResponse response = context.Response;
        response.StatusCode = error.Status;
        SecurityHeaders.Apply(response);
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(error.Detail, Encoding.UTF8, cancellationToken);
    }
}
