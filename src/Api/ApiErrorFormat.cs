using Microsoft.AspNetCore.Http;

namespace Kms.Api;

/// <summary>
/// Endpoint metadata that makes a compatible front end answer errors in its original system's format (the reference
/// KBS's plain text, tee-guardian's <c>{"error":…}</c>) instead of problem details. The error middleware and the admin
/// authenticator look it up on the matched endpoint; the status is decided by <see cref="ApiErrorMapper"/> either way.
/// </summary>
public abstract class ApiErrorFormat
{
    /// <summary>Sets status and headers and writes <paramref name="error"/>. The response must not have started.</summary>
    public abstract Task WriteAsync(HttpContext context, ApiError error, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="error"/> in the format of the matched endpoint, or as problem details.</summary>
    public static Task WriteForEndpointAsync(HttpContext context, ApiError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ApiErrorFormat? format = context.GetEndpoint()?.Metadata.GetMetadata<ApiErrorFormat>();
        return format is null
            ? ProblemResponseWriter.WriteAsync(context, error, cancellationToken)
            : format.WriteAsync(context, error, cancellationToken);
    }
}
