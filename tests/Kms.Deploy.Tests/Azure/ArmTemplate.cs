using System.Text.Json.Nodes;

namespace Kms.Deploy.Tests.Azure;

/// <summary>One resource of a compiled ARM template, with where it was found (main template or a module).</summary>
internal sealed record ArmResource(string Where, string Type, JsonObject Body)
{
    public JsonNode? Properties => Body["properties"];

    /// <summary>The value at a dotted path below the resource, e.g. <c>properties.securityProfile.securityType</c>.</summary>
    public JsonNode? At(string path) => ArmTemplate.At(Body, path);

    public string? Text(string path) => At(path) is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public bool? Flag(string path) => At(path) is JsonValue value && value.TryGetValue(out bool flag) ? flag : null;
}

/// <summary>Reads compiled ARM templates: both resource layouts (array, and the symbolic-name object of
/// languageVersion 2.0), and the templates of nested deployments (Bicep modules).</summary>
internal static class ArmTemplate
{
    public static IReadOnlyList<ArmResource> Resources(JsonObject template) => Collect(template, "main").ToList();

    public static IEnumerable<ArmResource> OfType(JsonObject template, string type) =>
        Resources(template).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>A parameter of the main template or of any module (modules declare their own).</summary>
    public static JsonObject? Parameter(JsonObject template, string name) => template["parameters"]?[name]?.AsObject();

    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (string part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject obj => obj[part],
                JsonArray array when int.TryParse(part, out int index) && index < array.Count => array[index],
                _ => null,
            };
        }

        return node;
    }

    /// <summary>Every string anywhere below <paramref name="node"/> (to search expressions).</summary>
    public static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue(out string? text) => [text],
        _ => [],
    };

    private static IEnumerable<ArmResource> Collect(JsonObject template, string where)
    {
        IEnumerable<(string Name, JsonObject Body)> resources = template["resources"] switch
        {
            JsonObject byName => byName.Select(p => (p.Key, p.Value!.AsObject())),
            JsonArray list => list.Select((r, i) => ($"[{i}]", r!.AsObject())),
            _ => [],
        };
        foreach ((string name, JsonObject body) in resources)
        {
            if (body["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            string type = body["type"]?.GetValue<string>() ?? "";
            yield return new ArmResource($"{where}/{name}", type, body);
            if (type == "Microsoft.Resources/deployments" && At(body, "properties.template") is JsonObject nested)
            {
                foreach (ArmResource inner in Collect(nested, $"{where}/{name}"))
                {
                    yield return inner;
                }
            }
        }
    }
}
