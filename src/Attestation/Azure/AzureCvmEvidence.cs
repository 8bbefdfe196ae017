using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kms.Attestation.Azure;

/// <summary>
/// The "azure-cvm" evidence container, a UTF-8 JSON object (at most 256 KiB; unknown or duplicate members refused):
/// <code>
/// {
///   "hcl_report": "&lt;base64: the HCL report from vTPM NV index 0x01400001&gt;",
///   "vcek":       "&lt;base64 DER VCEK (SNP only; optional, else taken from the collateral source)&gt;",
///   "td_quote":   "&lt;base64 TDX DCAP quote (TDX only; required there)&gt;",
///   "tpm_quote": {
///     "message":   "&lt;base64 TPMS_ATTEST from TPM2_Quote with the HCLAkPub key&gt;",
///     "signature": "&lt;base64 TPMT_SIGNATURE, or the bare RSA signature&gt;",
///     "pcrs":      { "4": "&lt;hex SHA-256 PCR value&gt;", "9": "…", "11": "…" }
///   }
/// }
/// </code>
/// "pcrs" holds exactly the PCRs the quote selects (decimal index → 64 hex digits); the quote's extraData is the
/// verifier's nonce.
/// </summary>
public sealed record AzureCvmEvidence
{
    private const int MaxLength = 256 * 1024;
    private static readonly HashSet<string> s_topLevel = ["hcl_report", "vcek", "td_quote", "tpm_quote"];
    private static readonly HashSet<string> s_quoteLevel = ["message", "signature", "pcrs"];

    public required byte[] HclReport { get; init; }

    public byte[]? Vcek { get; init; }

    public byte[]? TdQuote { get; init; }

    public required byte[] TpmQuoteMessage { get; init; }

    public required byte[] TpmQuoteSignature { get; init; }

    public required IReadOnlyDictionary<int, ReadOnlyMemory<byte>> Pcrs { get; init; }

    /// <summary>Parses the container. Throws <see cref="AttestationException"/> (Malformed) on any deviation.</summary>
    public static AzureCvmEvidence Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxLength)
        {
            throw AttestationException.Malformed("The azure-cvm evidence is too large.");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8Json));
            JsonElement root = RequireObject(document.RootElement, "evidence", s_topLevel);
            JsonElement quote = RequireObject(Required(root, "tpm_quote"), "tpm_quote", s_quoteLevel);
            JsonElement pcrsElement = Required(quote, "pcrs");
            if (pcrsElement.ValueKind != JsonValueKind.Object)
            {
                throw AttestationException.Malformed("tpm_quote.pcrs is not an object.");
            }

            var pcrs = new Dictionary<int, ReadOnlyMemory<byte>>();
            foreach (JsonProperty pcr in pcrsElement.EnumerateObject())
            {
                if (!int.TryParse(pcr.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index > 23 ||
                    pcr.Name != index.ToString(CultureInfo.InvariantCulture) || pcr.Value.ValueKind != JsonValueKind.String)
                {
                    throw AttestationException.Malformed($"PCR entry \"{pcr.Name}\" is not a decimal index 0..23 with a hex string.");
                }

                byte[] value = Convert.FromHexString(pcr.Value.GetString()!);
                if (value.Length != 32 || !pcrs.TryAdd(index, value))
                {
                    throw AttestationException.Malformed($"PCR {index} is not a single 32-byte value.");
                }
            }

            return new AzureCvmEvidence
            {
                HclReport = Base64(Required(root, "hcl_report"), "hcl_report"),
                Vcek = root.TryGetProperty("vcek", out JsonElement vcek) ? Base64(vcek, "vcek") : null,
                TdQuote = root.TryGetProperty("td_quote", out JsonElement td) ? Base64(td, "td_quote") : null,
                TpmQuoteMessage = Base64(Required(quote, "message"), "tpm_quote.message"),
                TpmQuoteSignature = Base64(Required(quote, "signature"), "tpm_quote.signature"),
                Pcrs = pcrs,
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or DecoderFallbackException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The azure-cvm evidence is not the documented JSON.", e);
        }
    }

    private static JsonElement RequireObject(JsonElement element, string what, HashSet<string> allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw AttestationException.Malformed($"The {what} is not a JSON object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name) || !seen.Add(property.Name))
            {
                throw AttestationException.Malformed($"The {what} has an unknown or repeated member \"{property.Name}\".");
            }
        }

        return element;
    }

    private static JsonElement Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value : throw AttestationException.Malformed($"The evidence has no \"{name}\".");

    private static byte[] Base64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.String
            ? Convert.FromBase64String(element.GetString()!)
            : throw AttestationException.Malformed($"\"{name}\" is not a base64 string.");
}
