using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kms.Deploy.Tests.Azure;

/// <summary>
/// Evaluates the body of the template's siloSettings function for sample arguments, as ARM would for one VM: the
/// few expression forms it uses (<c>parameters('p')</c>, <c>parameters('p').member</c>, and <c>format</c> over one of
/// those). Any other expression is an error, so a template change that this cannot follow fails the tests.
/// </summary>
internal static partial class SiloSettingsEvaluator
{
    public static readonly JsonObject SampleArguments = new()
    {
        ["siloName"] = "kms-silo2",
        ["address"] = "10.42.1.11",
        ["cluster"] = new JsonObject
        {
            ["clusterId"] = "prod-eu-1",
            ["serviceId"] = "orleans-kms",
            ["apiPort"] = 8080,
            ["siloPort"] = 11111,
            ["gatewayPort"] = 30000,
            ["requestOnboarding"] = false,
        },
        ["store"] = new JsonObject
        {
            ["tableServiceUri"] = "https://kmsstexample.table.core.windows.net/",
            ["blobServiceUri"] = "https://kmsstexample.blob.core.windows.net/",
            ["managedIdentityClientId"] = "5f8a8a5e-0a7c-4d1e-9a43-3c9d1f2b7e10",
        },
    };

    [GeneratedRegex(@"^\[parameters\('(\w+)'\)(?:\.(\w+))?\]$")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^\[format\('([^']*)', parameters\('(\w+)'\)(?:\.(\w+))?\)\]$")]
    private static partial Regex Format();

    /// <summary>The settings file one silo gets (the JSON written to /etc/kms/silo.json).</summary>
    public static JsonObject Evaluate(JsonObject template) =>
        EvaluateNode(AzureTemplateRules.SiloSettingsFunction(template)
            ?? throw new InvalidDataException("The template has no siloSettings function."))!.AsObject();

    private static JsonNode? EvaluateNode(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, EvaluateNode(p.Value)))),
        JsonArray array => new JsonArray(array.Select(EvaluateNode).ToArray()),
        JsonValue value when value.TryGetValue(out string? text) && text.StartsWith('[') => Expression(text),
        _ => node?.DeepClone(),
    };

    private static JsonNode? Expression(string text)
    {
        if (Parameter().Match(text) is { Success: true } p)
        {
            return Lookup(p.Groups[1].Value, p.Groups[2].Value)?.DeepClone();
        }

        if (Format().Match(text) is { Success: true } f)
        {
            return f.Groups[1].Value.Replace("{0}", Lookup(f.Groups[2].Value, f.Groups[3].Value)?.ToString(), StringComparison.Ordinal);
        }

        throw new NotSupportedException($"siloSettings uses an expression the test cannot evaluate: {text}");
    }

    private static JsonNode? Lookup(string parameter, string member)
    {
        JsonNode value = SampleArguments[parameter] ?? throw new InvalidDataException($"siloSettings has no argument {parameter}.");
        return member.Length == 0 ? value : value[member] ?? throw new InvalidDataException($"argument {parameter} has no {member}.");
    }
}
