using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Attestation.Dev;

/// <summary>
/// The "dev" evidence format, for local development without a TEE. UTF-8 JSON:
/// <code>
/// { "payload": "&lt;base64url of the payload bytes&gt;", "signature": "&lt;base64url of the 64-byte ES256 signature r‖s&gt;" }
/// </code>
/// The signature is ECDSA P-256 with SHA-256 over the payload bytes exactly as embedded (they are the canonical bytes:
/// nothing is re-serialized before verification). The payload is UTF-8 JSON:
/// <code>
/// { "format": "kms-dev-evidence/v1",
///   "measurements": { "&lt;name&gt;": "&lt;lowercase hex&gt;", … },
///   "report_data": "&lt;lowercase hex, 1..64 bytes&gt;" }
/// </code>
/// Measurement names are 1..32 characters of [a-z0-9_-] (for example "mrtd", "rtmr0", "pcr4"); at most 32 entries of at
/// most 64 bytes each.
/// </summary>
public static class DevEvidence
{
    /// <summary>The payload format marker.</summary>
    public const string Format = "kms-dev-evidence/v1";

    internal const int MaxLength = 16 * 1024;
    internal const int MaxMeasurements = 32;

    /// <summary>Creates signed dev evidence with <paramref name="signingKey"/> (a P-256 dev key).</summary>
    public static byte[] Create(ECDsa signingKey, IReadOnlyDictionary<string, byte[]> measurements, ReadOnlySpan<byte> reportData)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(measurements);
        if (reportData.IsEmpty || reportData.Length > 64)
        {
            throw new ArgumentException("Report data must be 1 to 64 bytes.", nameof(reportData));
        }

        if (signingKey.KeySize != 256)
        {
            throw new ArgumentException("The dev key must be a P-256 key.", nameof(signingKey));
        }

        // Written directly: JsonObject trees cost more than the P-256 signature (registry-load profile).
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format"u8, Format);
            writer.WriteStartObject("measurements"u8);
            foreach ((string name, byte[] value) in measurements.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, Convert.ToHexStringLower(value));
            }

            writer.WriteEndObject();
            writer.WriteString("report_data"u8, Convert.ToHexStringLower(reportData));
            writer.WriteEndObject();
        }

        byte[] payload = buffer.WrittenSpan.ToArray();

        // Validate what we produce with the same rules the verifier applies.
        DevEvidencePayload.Parse(payload);
        byte[] signature = signingKey.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("payload"u8, Base64UrlEncoder.Encode(payload));
            writer.WriteString("signature"u8, Base64UrlEncoder.Encode(signature));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
