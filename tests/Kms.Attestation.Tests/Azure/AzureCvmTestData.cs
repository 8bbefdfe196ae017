using System.Text.Json;
using System.Text.Json.Nodes;
using Kms.Attestation.Tests.Snp;

namespace Kms.Attestation.Tests.Azure;

/// <summary>
/// trustee's recorded Azure SNP vTPM evidence (Genoa): the HCL report, the VCEK and a real TPM2 quote over PCRs 0..23
/// with its signature and PCR values, converted into our azure-cvm container.
/// </summary>
internal static class AzureCvmTestData
{
    public static JsonElement TrusteeEvidence => JsonDocument.Parse(TestData.Text("attestation/sev-snp/trustee_azure_snp_evidence-genoa.json")).RootElement;

    public static byte[] Bytes(JsonElement array) => array.EnumerateArray().Select(e => e.GetByte()).ToArray();

    public static byte[] QuoteMessage => Bytes(TrusteeEvidence.GetProperty("quote").GetProperty("message"));

    /// <summary>The nonce the quote was made with: its extraData (TPMS_ATTEST offset 6 + 2 + 34, length-prefixed).</summary>
    public static byte[] Nonce
    {
        get
        {
            byte[] message = QuoteMessage;
            int offset = 6 + 2 + ((message[6] << 8) | message[7]);
            int length = (message[offset] << 8) | message[offset + 1];
            return message.AsSpan(offset + 2, length).ToArray();
        }
    }

    public static JsonObject Container()
    {
        JsonElement trustee = TrusteeEvidence;
        JsonElement quote = trustee.GetProperty("quote");
        var pcrs = new JsonObject();
        int index = 0;
        foreach (JsonElement pcr in quote.GetProperty("pcrs").EnumerateArray())
        {
            pcrs[index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Convert.ToHexStringLower(Bytes(pcr));
            index++;
        }

        return new JsonObject
        {
            ["hcl_report"] = Convert.ToBase64String(Bytes(trustee.GetProperty("report"))),
            ["vcek"] = Convert.ToBase64String(SnpTestData.PemToDer(trustee.GetProperty("vcek").GetString()!)),
            ["tpm_quote"] = new JsonObject
            {
                ["message"] = Convert.ToBase64String(Bytes(quote.GetProperty("message"))),
                ["signature"] = Convert.ToBase64String(Bytes(quote.GetProperty("signature"))),
                ["pcrs"] = pcrs,
            },
        };
    }

    public static byte[] Utf8(JsonObject container) => JsonSerializer.SerializeToUtf8Bytes(container);
}
