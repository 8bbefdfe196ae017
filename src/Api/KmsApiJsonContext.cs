using System.Text.Json.Serialization;

namespace Kms.Api;

/// <summary>Source-generated JSON metadata for every type the HTTP front end reads or writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ProblemDocument))]
public sealed partial class KmsApiJsonContext : JsonSerializerContext
{
}
