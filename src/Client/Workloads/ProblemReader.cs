using System.Text.Json;

namespace Kms.Client.Workloads;

/// <summary>Turns an error answer into a <see cref="KmsApiException"/>, reading an RFC 9457 problem when there is one.</summary>
internal static class ProblemReader
{
    private const int MaxTextLength = 1024;

    public static KmsApiException ToException(int status, string? reasonPhrase, ReadOnlySpan<byte> body, Uri? requestUri)
    {
        string? title = null, detail = null, type = null, reason = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = Text(document.RootElement, "title");
                detail = Text(document.RootElement, "detail");
                type = Text(document.RootElement, "type");
                reason = Text(document.RootElement, "reason");
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not a problem document (a proxy's HTML page, invalid UTF-8 in a string): the status says enough.
            title = detail = type = reason = null;
        }

        return new KmsApiException(status, title ?? reasonPhrase, detail, type, reason, requestUri);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? Truncate(value.GetString()!)
            : null;

    private static string Truncate(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength] + "…";
}
