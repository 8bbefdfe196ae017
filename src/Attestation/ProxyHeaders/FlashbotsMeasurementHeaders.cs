using System.Globalization;
using System.Text.Json;

namespace Kms.Attestation.ProxyHeaders;

/// <summary>
/// Parses the headers a flashbots attested-TLS proxy sets after verifying its client: <c>X-Flashbots-Attestation-Type</c>
/// ("qemu-tdx" or "azure-tdx") and <c>X-Flashbots-Measurement</c>, a JSON object of decimal register index → lowercase
/// hex. qemu-tdx: 0 = MRTD, 1..4 = RTMR0..RTMR3 (48 bytes; 0..3 required); azure-tdx: PCR index 0..23 → 32 bytes.
/// Refuses to parse anything unless <see cref="TrustedProxyOptions.TrustAttestedProxy"/> is on.
/// </summary>
public static class FlashbotsMeasurementHeaders
{
    public const string AttestationTypeHeader = "X-Flashbots-Attestation-Type";
    public const string MeasurementHeader = "X-Flashbots-Measurement";
    public const string QemuTdx = "qemu-tdx";
    public const string AzureTdx = "azure-tdx";

    private const int MaxHeaderLength = 8 * 1024;

    /// <summary>Parses the two header values. Throws <see cref="AttestationException"/> on any deviation.</summary>
    public static ProxyMeasurements Parse(string? attestationType, string? measurementJson, TrustedProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.TrustAttestedProxy)
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, "This silo does not trust attested-proxy measurement headers.");
        }

        if (attestationType is null || measurementJson is null)
        {
            throw AttestationException.Malformed($"Both {AttestationTypeHeader} and {MeasurementHeader} are required.");
        }

        if (measurementJson.Length > MaxHeaderLength)
        {
            throw AttestationException.Malformed($"{MeasurementHeader} is too long.");
        }

        (int registerSize, int maxIndex) = attestationType switch
        {
            QemuTdx => (48, 4),
            AzureTdx => (32, 23),
            _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"Attestation type \"{AttestationException.Printable(attestationType)}\" is not supported (qemu-tdx, azure-tdx)."),
        };

        Dictionary<int, byte[]> registers = ReadRegisters(measurementJson, registerSize, maxIndex);
        if (attestationType == AzureTdx)
        {
            if (registers.Count == 0)
            {
                throw AttestationException.Malformed($"{MeasurementHeader} carries no PCR.");
            }

            return new ProxyMeasurements
            {
                AttestationType = AzureTdx,
                Pcrs = registers.ToDictionary(p => p.Key, p => (ReadOnlyMemory<byte>)p.Value),
            };
        }

        for (int index = 0; index <= 3; index++)
        {
            if (!registers.ContainsKey(index))
            {
                throw AttestationException.Malformed($"qemu-tdx measurements need MRTD and RTMR0..RTMR2 (keys 0..3); key {index} is missing.");
            }
        }

        var rtmrs = new List<ReadOnlyMemory<byte>> { registers[1], registers[2], registers[3] };
        if (registers.TryGetValue(4, out byte[]? rtmr3))
        {
            rtmrs.Add(rtmr3);
        }

        return new ProxyMeasurements { AttestationType = QemuTdx, MrTd = registers[0], Rtmrs = rtmrs };
    }

    private static Dictionary<int, byte[]> ReadRegisters(string json, int registerSize, int maxIndex)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 2 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw AttestationException.Malformed($"{MeasurementHeader} is not a JSON object.");
            }

            var registers = new Dictionary<int, byte[]>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ||
                    index > maxIndex || property.Name != index.ToString(CultureInfo.InvariantCulture))
                {
                    throw AttestationException.Malformed($"Measurement key \"{AttestationException.Printable(property.Name)}\" is not a register index 0..{maxIndex}.");
                }

                if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { } hex ||
                    hex.Length != registerSize * 2 || !IsLowercaseHex(hex))
                {
                    throw AttestationException.Malformed($"Measurement {index} is not {registerSize} bytes of lowercase hex.");
                }

                if (!registers.TryAdd(index, Convert.FromHexString(hex)))
                {
                    throw AttestationException.Malformed($"Measurement {index} appears twice.");
                }
            }

            return registers;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"{MeasurementHeader} is not valid JSON.", e);
        }
    }

    private static bool IsLowercaseHex(string value)
    {
        foreach (char c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
