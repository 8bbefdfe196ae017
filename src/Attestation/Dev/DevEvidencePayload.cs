using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Attestation.Dev;

/// <summary>The parsed, not yet trusted, parts of a dev evidence document.</summary>
internal sealed record DevEvidencePayload(IReadOnlyDictionary<string, byte[]> Measurements, byte[] ReportData)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Splits the envelope into payload bytes and signature. Throws Malformed.</summary>
    public static (byte[] Payload, byte[] Signature) ParseEnvelope(ReadOnlySpan<byte> evidence)
    {
        if (evidence.Length > DevEvidence.MaxLength)
        {
            throw AttestationException.Malformed("Dev evidence is too large.");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(s_strictUtf8.GetString(evidence));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 2 ||
                !root.TryGetProperty("payload", out JsonElement payload) || payload.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("signature", out JsonElement signature) || signature.ValueKind != JsonValueKind.String)
            {
                throw AttestationException.Malformed("Dev evidence must be {\"payload\": …, \"signature\": …}.");
            }

            return (Base64UrlEncoder.DecodeBytes(payload.GetString()), Base64UrlEncoder.DecodeBytes(signature.GetString()));
        }
        catch (Exception e) when (e is JsonException or FormatException or DecoderFallbackException or ArgumentException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "Dev evidence is not the documented JSON envelope.", e);
        }
    }

    /// <summary>Parses the payload strictly. Throws Malformed / UnsupportedVersion.</summary>
    public static DevEvidencePayload Parse(ReadOnlySpan<byte> payload)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(s_strictUtf8.GetString(payload));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw AttestationException.Malformed("The dev evidence payload is not a JSON object.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Name is not ("format" or "measurements" or "report_data") || !seen.Add(property.Name))
                {
                    throw AttestationException.Malformed($"Unknown or repeated payload member \"{property.Name}\".");
                }
            }

            if (!root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != DevEvidence.Format)
            {
                throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Dev evidence must declare format {DevEvidence.Format}.");
            }

            if (!root.TryGetProperty("measurements", out JsonElement measurementsElement) || measurementsElement.ValueKind != JsonValueKind.Object)
            {
                throw AttestationException.Malformed("The dev evidence payload has no measurements object.");
            }

            var measurements = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (JsonProperty measurement in measurementsElement.EnumerateObject())
            {
                if (!IsName(measurement.Name) || measurements.Count >= DevEvidence.MaxMeasurements)
                {
                    throw AttestationException.Malformed("A dev measurement name is invalid or there are too many measurements.");
                }

                byte[] value = Hex(measurement.Value, 64, "measurement");
                if (!measurements.TryAdd(measurement.Name, value))
                {
                    throw AttestationException.Malformed($"Dev measurement \"{measurement.Name}\" appears twice.");
                }
            }

            JsonElement reportData = root.TryGetProperty("report_data", out JsonElement rd) ? rd : throw AttestationException.Malformed("The dev evidence payload has no report_data.");
            return new DevEvidencePayload(measurements, Hex(reportData, 64, "report_data"));
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The dev evidence payload is not valid JSON.", e);
        }
    }

    private static bool IsName(string name) =>
        name.Length is >= 1 and <= 32 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    private static byte[] Hex(JsonElement element, int maxBytes, string what)
    {
        string? hex = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        if (hex is null || hex.Length == 0 || hex.Length > maxBytes * 2 || hex.Length % 2 != 0 || hex.Any(c => c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))))
        {
            throw AttestationException.Malformed($"The dev {what} is not 1..{maxBytes} bytes of lowercase hex.");
        }

        return Convert.FromHexString(hex);
    }
}
