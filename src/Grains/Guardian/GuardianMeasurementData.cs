using System.Text.Json;
using System.Text.Json.Nodes;
using Kms.Attestation.Identity;
using Kms.Grains.Kbs;

namespace Kms.Grains.Guardian;

/// <summary>
/// Validates the <c>data</c> of a tee-guardian measurement object and computes its measurement hash (§2.5): TDX
/// SHA-256(RTMR0 ‖ RTMR1 ‖ RTMR2 ‖ RTMR3) from <c>rtmr0</c>..<c>rtmr3</c> (48 bytes each); SEV-SNP
/// SHA-256(measurement ‖ host_data), or SHA-256(measurement) without (or with all-zero) host_data. The other members
/// (<c>debug_allowed</c>, <c>minimum_tcb</c>, <c>platform_constraints</c>) are kept and returned; the namespace policy,
/// not they, decides debug and TCB.
/// </summary>
internal static class GuardianMeasurementData
{
    public const int MaxDataLength = 16 * 1024;

    /// <returns>The measurement hash and the data re-serialized compactly.</returns>
    /// <exception cref="KmsException">Unknown platform or malformed data (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static (string Hash, string DataJson) Normalize(string platform, string dataJson)
    {
        if (dataJson is not { Length: > 0 and <= MaxDataLength })
        {
            throw Malformed($"data is a JSON object of at most {MaxDataLength} characters.");
        }

        JsonObject data;
        try
        {
            data = JsonNode.Parse(dataJson, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) as JsonObject
                ?? throw Malformed("data is a JSON object.");
        }
        catch (JsonException)
        {
            throw Malformed("data is a JSON object.");
        }

        if (data.TryGetPropertyValue("debug_allowed", out JsonNode? debug) && debug is not null && debug.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Malformed("data.debug_allowed is a boolean.");
        }

        try
        {
            return Hash(platform, data);
        }
        catch (InvalidOperationException)
        {
            throw Malformed("data has a string that is not valid Unicode text.");
        }
    }

    private static (string Hash, string DataJson) Hash(string platform, JsonObject data)
    {
        byte[] hash = platform switch
        {
            "tdx" => MeasurementIdentitySchemes.TeeGuardianTdx([.. new[] { "rtmr0", "rtmr1", "rtmr2", "rtmr3" }.Select(name => (ReadOnlyMemory<byte>)Hex(data, name, 48, required: true)!)]),
            "sev_snp" => MeasurementIdentitySchemes.TeeGuardianSnp(Hex(data, "measurement", 48, required: true), Hex(data, "host_data", 32, required: false) ?? new byte[32]),
            "dev" => Convert.FromHexString(DevIdentity(data)),
            _ => throw Malformed("platform is \"tdx\", \"sev_snp\" or (development only) \"dev\"."),
        };
        return (Convert.ToHexStringLower(hash), data.ToJsonString());
    }

    /// <summary>The "dev" platform (an Orleans.Kms extension): <c>{"measurements":{"rtmr0":"&lt;hex&gt;",…}}</c> as the dev
    /// evidence carries them; the hash is the dev measurement identity.</summary>
    private static string DevIdentity(JsonObject data)
    {
        if (!data.TryGetPropertyValue("measurements", out JsonNode? node) || node is not JsonObject measurements
            || measurements.Count is 0 or > 32)
        {
            throw Malformed("data.measurements is an object of 1 to 32 named hex registers.");
        }

        var registers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, JsonNode? value) in measurements)
        {
            string? hex = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
            if (name.Length is 0 or > 32 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')
                || hex is not { Length: > 0 and <= 128 } || hex.Length % 2 != 0 || !hex.All(Uri.IsHexDigit))
            {
                throw Malformed("data.measurements maps names of [a-z0-9_-] to hex of 1 to 64 bytes.");
            }

            registers[name] = hex.ToLowerInvariant();
        }

        return Namespaces.MeasurementIdentity.Compute(new Namespaces.VerifiedWorkload("dev", "dev", true, "NotApplicable", [], registers, []));
    }

    private static byte[]? Hex(JsonObject data, string name, int bytes, bool required)
    {
        if (!data.TryGetPropertyValue(name, out JsonNode? node) || node is null)
        {
            return required ? throw Malformed($"data.{name} is required ({bytes * 2} hex characters).") : null;
        }

        string? text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        return KbsEncoding.TryHex(text, bytes) ?? throw Malformed($"data.{name} is {bytes * 2} hex characters.");
    }

    private static KmsException Malformed(string message) => new(KmsErrorKind.MalformedInput, message);
}
