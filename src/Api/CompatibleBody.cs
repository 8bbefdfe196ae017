using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Kms.Api;

/// <summary>
/// Reads the JSON body of a compatible front end's request (reference KBS, tee-guardian) itself, so that every failure
/// is answered in that system's error format: the media type must be JSON, the body at most 1 MiB (both systems'
/// limit), and it must bind to <typeparamref name="T"/>.
/// </summary>
internal static class CompatibleBody
{
    /// <summary>The largest body accepted (1 MiB, as the reference KBS and tee-guardian).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <exception cref="ApiProblemException">Not JSON, too large or malformed (400 or 413).</exception>
    public static async Task<T> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out MediaTypeHeaderValue? media)
            || !media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiProblemException.MalformedInput("The request body must be application/json.");
        }

        if (context.Request.ContentLength > MaxBytes)
        {
            throw ApiProblemException.ContentTooLarge($"The request body may be at most {MaxBytes} bytes.");
        }

        var body = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            Memory<byte> buffer = body.GetMemory(16 * 1024);
            int read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            body.Advance(read);
            if (body.WrittenCount > MaxBytes)
            {
                throw ApiProblemException.ContentTooLarge($"The request body may be at most {MaxBytes} bytes.");
            }
        }

        try
        {
            return JsonSerializer.Deserialize(body.WrittenSpan, type)
                ?? throw ApiProblemException.MalformedInput("The request body is JSON null.");
        }
        catch (JsonException exception)
        {
            string where = exception.Path is { Length: > 0 and <= 128 } path ? $" at '{path}'" : string.Empty;
            throw ApiProblemException.MalformedInput($"The request body is not valid JSON for this route{where}.", exception);
        }
        finally
        {
            body.Clear(); // zeroes the final buffer (a registration body carries a secret); grown-out copies are left to the GC
        }
    }
}
