using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kms.Attestation.Snp;
using Kms.Grains.Release;

namespace Kms.Grains.Kbs;

/// <summary>
/// Turns the <c>tee-evidence</c> JSON text of an <c>/attest</c> request into evidence a verifier takes:
/// <list type="bullet">
/// <item>"snp": <c>{"report":"&lt;hex of the 1184-byte report&gt;","cert_chain":"&lt;PEM or empty&gt;","gen":"milan"|"genoa"|"turin"}</c>
/// (virtee/reference-kbs <c>SnpAttestation</c>). The first certificate of <c>cert_chain</c> is taken as the VCEK/VLEK (the
/// AMD roots are pinned, so ARK and ASK there are not needed); empty, the VCEK comes from the collateral directory.</item>
/// <item>"tdx": <c>{"quote":"&lt;base64 of the DCAP quote&gt;"}</c> (the confidential-containers attester's shape).</item>
/// <item>"dev": the dev evidence JSON object itself (only a silo in development mode verifies it).</item>
/// </list>
/// </summary>
internal static class KbsEvidenceDecoder
{
    public const int MaxEvidenceLength = 256 * 1024;

    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 8 };

    /// <exception cref="KmsException">The text is not evidence of <paramref name="tee"/> (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static EvidenceSubmission Decode(string tee, string teeEvidence)
    {
        if (teeEvidence is not { Length: > 0 and <= MaxEvidenceLength })
        {
            throw Malformed($"tee-evidence is 1 to {MaxEvidenceLength} characters of JSON text.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(teeEvidence, s_json);
        }
        catch (JsonException)
        {
            throw Malformed("tee-evidence is not JSON text.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("tee-evidence is a JSON object.");
            }

            try
            {
                return DecodeObject(tee, document.RootElement, teeEvidence);
            }
            catch (InvalidOperationException)
            {
                // A JSON string that escapes a lone surrogate cannot be read as text.
                throw Malformed("tee-evidence has a string that is not valid Unicode text.");
            }
        }
    }

    private static EvidenceSubmission DecodeObject(string tee, JsonElement root, string teeEvidence) => tee switch
    {
        "snp" => Snp(root),
        "tdx" => new EvidenceSubmission("tdx-dcap", KbsEncoding.TryBase64(String(root, "quote", required: true))
            ?? throw Malformed("tee-evidence.quote is not standard base64.")),
        "dev" => new EvidenceSubmission("dev", Encoding.UTF8.GetBytes(teeEvidence)),
        _ => throw Malformed("Unsupported TEE"),
    };

    private static EvidenceSubmission Snp(JsonElement root)
    {
        byte[] report = KbsEncoding.TryHex(String(root, "report", required: true), SnpReport.Size)
            ?? throw Malformed($"tee-evidence.report is the hex of the {SnpReport.Size}-byte attestation report.");
        string? generation = String(root, "gen", required: false);
        if (generation is not (null or "milan" or "genoa" or "turin"))
        {
            throw Malformed("tee-evidence.gen is \"milan\", \"genoa\" or \"turin\".");
        }

        string? chain = String(root, "cert_chain", required: false);
        if (string.IsNullOrWhiteSpace(chain))
        {
            return new EvidenceSubmission("sev-snp", report);
        }

        byte[] endorsementKey;
        try
        {
            // The first certificate of the chain signs the report; the roots it chains to are pinned in the verifier.
            using X509Certificate2 certificate = X509Certificate2.CreateFromPem(chain);
            endorsementKey = certificate.RawData;
        }
        catch (CryptographicException)
        {
            throw Malformed("tee-evidence.cert_chain is empty or PEM whose first certificate is the VCEK or VLEK.");
        }

        return new EvidenceSubmission("sev-snp", [.. report, .. endorsementKey]);
    }

    private static string? String(JsonElement root, string name, bool required)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw Malformed($"tee-evidence.{name} is required.") : null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Malformed($"tee-evidence.{name} is a string.");
    }

    private static KmsException Malformed(string message) => new(KmsErrorKind.MalformedInput, message);
}
