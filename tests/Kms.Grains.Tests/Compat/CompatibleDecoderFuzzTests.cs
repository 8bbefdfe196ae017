using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Grains.Guardian;
using Kms.Grains.Kbs;
using Kms.Grains.Tests.Kms;

namespace Kms.Grains.Tests.Compat;

/// <summary>
/// The evidence and key decoders of the reference-KBS and tee-guardian front ends on random and mutated input: each
/// either decodes or refuses with a <see cref="KmsErrorKind.MalformedInput"/> error, never another exception.
/// </summary>
public sealed class CompatibleDecoderFuzzTests
{
    private const int Iterations = 3000;

    [Fact]
    public void TheTeeGuardianEvidenceDecoderOnlyEverRefusesAsMalformed()
    {
        var random = new Random(7);
        byte[][] seeds = [.. GuardianSeeds()];
        int decoded = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = random.Next(10) == 0 ? RandomNumberGenerator.GetBytes(random.Next(0, 300)) : Mutate(seeds[random.Next(seeds.Length)], random);
            decoded += Refuses(() => GuardianEvidenceDecoder.Decode(input)) ? 0 : 1;
        }

        Assert.InRange(decoded, 1, Iterations - 1); // the mutations reach both outcomes
    }

    [Fact]
    public void TheKbsEvidenceDecoderOnlyEverRefusesAsMalformed()
    {
        var random = new Random(8);
        (string Tee, string Text)[] seeds = [.. KbsSeeds()];
        int decoded = 0;
        for (int i = 0; i < Iterations; i++)
        {
            (string tee, string text) = seeds[random.Next(seeds.Length)];
            string input = Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(text), random));
            decoded += Refuses(() => KbsEvidenceDecoder.Decode(random.Next(20) == 0 ? "sev" : tee, input)) ? 0 : 1;
        }

        Assert.InRange(decoded, 1, Iterations - 1);
    }

    [Fact]
    public void TheTeeKeyAndRegistrationParsersOnlyEverRefuseAsMalformed()
    {
        var random = new Random(9);
        using RSA rsa = RSA.Create(2048);
        string modulus = Convert.ToBase64String(rsa.ExportParameters(false).Modulus!);
        string xwing = Convert.ToBase64String(Crypto.Hpke.XWingKeyPair.Generate().PublicKey);
        string tdxData = JsonSerializer.Serialize(new { rtmr0 = new string('a', 96), rtmr1 = new string('b', 96), rtmr2 = new string('c', 96), rtmr3 = new string('d', 96) });
        for (int i = 0; i < 500; i++)
        {
            string Mutated(string value) => random.Next(3) == 0 ? value : Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(value), random));
            Refuses(() => KbsTeeKey.Parse(new KbsTeePubKey(random.Next(2) == 0 ? "RSA" : Mutated("RSA-OAEP-256"), Mutated(modulus), Mutated("AQAB"), null), "00", pkcs1Compatibility: random.Next(2) == 0));
            Refuses(() => KbsTeeKey.Parse(new KbsTeePubKey("hpke-xwing", null, null, Mutated(xwing)), "00", false));
            Refuses(() => KbsBrokerGrain.WorkloadIdOf(Mutated("""{"workload_id":"app-1"}""")));
            Refuses(() => KbsWorkloadGrain.IdentityOf(Mutated(new string('e', 96))));
            Refuses(() => GuardianMeasurementData.Normalize(random.Next(2) == 0 ? "tdx" : "sev_snp", Mutated(tdxData)));
            Refuses(() => GuardianMeasurementData.Normalize("dev", Mutated("""{"measurements":{"rtmr0":"00ff"}}""")));
        }
    }

    private static bool Refuses(Action decode)
    {
        try
        {
            decode();
            return false;
        }
        catch (KmsException exception)
        {
            Assert.Equal(KmsErrorKind.MalformedInput, exception.Kind);
            Assert.False(string.IsNullOrWhiteSpace(exception.Message));
            return true;
        }
    }

    private static IEnumerable<byte[]> GuardianSeeds()
    {
        byte[] reportData = new byte[64];
        reportData[40] = 1;
        yield return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["dev"] = JsonDocument.Parse(Attestation.Dev.DevEvidence.Create(ECDsa.Create(ECCurve.NamedCurves.nistP256), new Dictionary<string, byte[]> { ["rtmr0"] = new byte[48] }, reportData)).RootElement,
        });
        yield return JsonSerializer.SerializeToUtf8Bytes(new { quote = Convert.ToBase64String(RealOr("tdx", "trustee_tdx_quote_5_v5.dat", 1200)) });
        yield return JsonSerializer.SerializeToUtf8Bytes(new { attestation_report = Convert.ToHexStringLower(RealOr("sev-snp", "trustee_azure_snp_genoa_report_v3_EXTRACTED.bin", 1184)), cert_chain = "" });
    }

    private static IEnumerable<(string, string)> KbsSeeds()
    {
        yield return ("tdx", JsonSerializer.Serialize(new { quote = Convert.ToBase64String(RealOr("tdx", "trustee_tdx_quote_5_v5.dat", 1200)) }));
        yield return ("snp", JsonSerializer.Serialize(new { report = Convert.ToHexStringLower(RealOr("sev-snp", "trustee_azure_snp_genoa_report_v3_EXTRACTED.bin", 1184)), cert_chain = "", gen = "genoa" }));
        yield return ("dev", """{"payload":"eyJ9","signature":"AA"}""");
    }

    /// <summary>A real sample from KMS_TESTDATA when set (mutations then reach the quote and report parsers), else zeros.</summary>
    private static byte[] RealOr(string folder, string file, int length)
    {
        string? root = RealEvidence.Directory;
        string path = root is null ? string.Empty : Path.Combine(root, "attestation", folder, file);
        return File.Exists(path) ? File.ReadAllBytes(path) : new byte[length];
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        byte[] bytes = (byte[])input.Clone();
        switch (random.Next(5))
        {
            case 0:
                return bytes[..random.Next(bytes.Length + 1)];
            case 1:
                for (int n = random.Next(1, 4); n > 0 && bytes.Length > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 2:
                {
                    int at = random.Next(bytes.Length + 1);
                    byte[] insert = Encoding.UTF8.GetBytes(new[] { "null", "{}", "[1]", "\"\\ud800\"", ",", "\"", "\\" }[random.Next(7)]);
                    return [.. bytes[..at], .. insert, .. bytes[at..]];
                }

            case 3:
                if (bytes.Length > 0)
                {
                    // Flip a character inside the embedded base64/hex, which reaches the binary parsers.
                    int at = random.Next(bytes.Length);
                    bytes[at] = bytes[at] is >= (byte)'a' and <= (byte)'f' ? (byte)'0' : (byte)'a';
                }

                return bytes;
            default:
                return bytes;
        }
    }
}
