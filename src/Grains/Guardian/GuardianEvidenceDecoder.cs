using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kms.Attestation;
using Kms.Attestation.Snp;
using Kms.Attestation.Tdx;
using Kms.Grains.Kbs;
using Kms.Grains.Release;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Grains.Guardian;

/// <summary>
/// Decodes tee-guardian evidence (the bytes under its outer base64): a JSON object with
/// <list type="bullet">
/// <item><c>"quote"</c>: base64 of a TDX DCAP quote (v4 or v5) → "tdx-dcap"; the instance id is REPORTDATA[32..64];</item>
/// <item><c>"attestation_report"</c>: the raw 1184-byte SEV-SNP report as hex or base64, with <c>"cert_chain"</c>: PEM
/// whose first certificate is the VCEK/VLEK (or absent: the collateral directory) → "sev-snp"; the instance id is the
/// firmware's REPORT_ID;</item>
/// <item><c>"dev"</c>: a dev evidence object (only a silo in development mode verifies it); instance id as TDX.</item>
/// </list>
/// The report data and instance id read here are unverified: the verifier checks the evidence against the report data
/// the caller derives from them, so a forged value only makes verification fail.
/// </summary>
internal static class GuardianEvidenceDecoder
{
    public const int MaxEvidenceBytes = 512 * 1024;

    private const int SnpReportIdOffset = 0x140;
    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 8 };

    /// <exception cref="KmsException">Not tee-guardian evidence (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static DecodedGuardianEvidence Decode(byte[] evidence)
    {
        if (evidence is not { Length: > 0 and <= MaxEvidenceBytes })
        {
            throw Malformed($"The decoded evidence is 1 to {MaxEvidenceBytes} bytes of JSON.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(evidence, s_json);
        }
        catch (JsonException)
        {
            throw Malformed("Failed to parse evidence: it is not base64 of a JSON object.");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("Failed to parse evidence: it is not base64 of a JSON object.");
            }

            try
            {
                if (root.TryGetProperty("quote", out JsonElement quote))
                {
                    return Tdx(quote);
                }

                if (root.TryGetProperty("attestation_report", out JsonElement report))
                {
                    return Snp(report, root.TryGetProperty("cert_chain", out JsonElement chain) ? chain : default);
                }

                if (root.TryGetProperty("dev", out JsonElement dev))
                {
                    return Dev(dev);
                }
            }
            catch (AttestationException exception)
            {
                throw Malformed($"Failed to parse evidence: {exception.Message}");
            }
            catch (InvalidOperationException)
            {
                // A JSON string that is not valid UTF-8 (or escapes a lone surrogate) cannot be read as text.
                throw Malformed("Failed to parse evidence: a string in it is not valid Unicode text.");
            }

            throw Malformed("Unknown evidence: neither \"quote\" (TDX), \"attestation_report\" (SEV-SNP) nor \"dev\".");
        }
    }

    private static DecodedGuardianEvidence Tdx(JsonElement quoteElement)
    {
        byte[] quote = KbsEncoding.TryBase64(quoteElement.ValueKind == JsonValueKind.String ? quoteElement.GetString() : null)
            ?? throw Malformed("evidence.quote is standard base64 of a TDX quote.");
        byte[] reportData = TdxQuote.Parse(quote).ReportData.ToArray();
        return new DecodedGuardianEvidence(new EvidenceSubmission(TdxQuoteVerifier.TypeName, quote), reportData, reportData[32..], IdentityInReportData: true);
    }

    private static DecodedGuardianEvidence Snp(JsonElement reportElement, JsonElement chainElement)
    {
        if (reportElement.ValueKind == JsonValueKind.Object)
        {
            throw Malformed("evidence.attestation_report as a parsed object is not accepted: send the raw 1184-byte report as hex or base64 (see docs/tee-guardian.md).");
        }

        string? text = reportElement.ValueKind == JsonValueKind.String ? reportElement.GetString() : null;
        byte[] report = KbsEncoding.TryHex(text, SnpReport.Size) ?? KbsEncoding.TryBase64(text)
            ?? throw Malformed($"evidence.attestation_report is the {SnpReport.Size}-byte report as hex or standard base64.");
        SnpReport parsed = SnpReport.Parse(report);
        byte[] reportId = report[SnpReportIdOffset..(SnpReportIdOffset + 32)];
        byte[] evidence = report;
        if (chainElement.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(chainElement.GetString()))
        {
            try
            {
                using X509Certificate2 certificate = X509Certificate2.CreateFromPem(chainElement.GetString());
                evidence = [.. report, .. certificate.RawData];
            }
            catch (CryptographicException)
            {
                throw Malformed("evidence.cert_chain is PEM whose first certificate is the VCEK or VLEK.");
            }
        }
        else if (chainElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            throw Malformed("evidence.cert_chain is PEM text (or absent: the VCEK then comes from the collateral directory).");
        }

        return new DecodedGuardianEvidence(new EvidenceSubmission("sev-snp", evidence), parsed.ReportData.ToArray(), reportId, IdentityInReportData: false);
    }

    private static DecodedGuardianEvidence Dev(JsonElement dev)
    {
        if (dev.ValueKind != JsonValueKind.Object
            || !dev.TryGetProperty("payload", out JsonElement payload) || payload.ValueKind != JsonValueKind.String)
        {
            throw Malformed("evidence.dev is a dev evidence object.");
        }

        byte[] reportData;
        try
        {
            using JsonDocument inner = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(payload.GetString()), s_json);
            reportData = inner.RootElement.ValueKind == JsonValueKind.Object
                && inner.RootElement.TryGetProperty("report_data", out JsonElement hex)
                && hex.ValueKind == JsonValueKind.String
                && KbsEncoding.TryHex(hex.GetString(), 64) is { } bytes
                    ? bytes
                    : throw Malformed("The dev evidence carries 64 bytes of report data.");
        }
        catch (Exception exception) when (exception is JsonException or FormatException or ArgumentException)
        {
            throw Malformed("evidence.dev is a dev evidence object.");
        }

        return new DecodedGuardianEvidence(new EvidenceSubmission("dev", System.Text.Encoding.UTF8.GetBytes(dev.GetRawText())), reportData, reportData[32..], IdentityInReportData: true);
    }

    private static KmsException Malformed(string message) => new(KmsErrorKind.MalformedInput, message);
}

/// <summary>Decoded tee-guardian evidence.</summary>
/// <param name="ReportData">The 64 report-data bytes as the evidence claims them (unverified).</param>
/// <param name="InstanceId">32 bytes: REPORTDATA[32..64] (TDX, dev) or the SEV-SNP REPORT_ID.</param>
/// <param name="IdentityInReportData">Whether the instance id is in the report data (all but SEV-SNP).</param>
internal sealed record DecodedGuardianEvidence(EvidenceSubmission Submission, byte[] ReportData, byte[] InstanceId, bool IdentityInReportData)
{
    /// <summary>What phase-1 report data must be: zeros(32) ‖ instance id, or (SEV-SNP) zeros(64).</summary>
    public byte[] RegistrationReportData() => IdentityInReportData ? [.. new byte[32], .. InstanceId] : new byte[64];

    /// <summary>What phase-2 report data must be: <paramref name="binding"/>(32) ‖ instance id (SEV-SNP: its REPORT_ID).</summary>
    public byte[] VerificationReportData(ReadOnlySpan<byte> binding) => [.. binding, .. InstanceId];
}
