using Microsoft.AspNetCore.Http;

namespace Kms.Api;

/// <summary>The headers every API response carries, whatever produced it.</summary>
public static class SecurityHeaders
{
    /// <summary>Marks the response as specific to one request (never cached) and never to be content-sniffed.</summary>
    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
    }
}
