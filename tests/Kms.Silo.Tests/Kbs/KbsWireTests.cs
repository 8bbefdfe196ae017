using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kms.Silo.Tests.V1;
using static Kms.Silo.Tests.Kbs.KbsTestWorkload;

namespace Kms.Silo.Tests.Kbs;

/// <summary>
/// The KBS wire format byte for byte, from the protocol notes (seeds-protocols.md §3.1, kbs-types v0.2.0), not from
/// this server's output; real SEV-SNP evidence; hostile bodies.
/// </summary>
public sealed class KbsWireTests : IAsyncLifetime
{
    private const string GoldenRegister = """{"workload_id":"golden-app","launch_measurement":"%MEASUREMENT%","tee_config":"{\"policy\":0}","passphrase":"golden passphrase"}""";
    private const string GoldenAuth = """{"version":"0.0.0","tee":"dev","extra-params":"{\"workload_id\":\"golden-app\"}"}""";
    private const string GoldenChallengePattern = """^\{"nonce":"([0-9a-f]{32})","extra-params":""\}$""";
    private const string GoldenAttest = """{"tee-pubkey":{"alg":"RSA","k-mod":"%KMOD%","k-exp":"AQAB"},"tee-evidence":"%EVIDENCE%"}""";
    private const string GoldenKeyPattern = """^"[0-9a-f]{512}"$""";

    private DevSiloSession _session = null!;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartAsync();

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task TheGoldenExchangeHasTheReferenceBytes()
    {
        using var workload = new KbsTestWorkload(_session, "golden-app");
        using (HttpResponseMessage registered = await _session.Admin.PostAsync("/kbs/v0/register_workload", Json(GoldenRegister.Replace("%MEASUREMENT%", workload.Identity, StringComparison.Ordinal))))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
            Assert.Empty(await registered.Content.ReadAsByteArrayAsync());
        }

        using HttpResponseMessage auth = await workload.Client.PostAsync("/kbs/v0/auth", Json(GoldenAuth));
        string challenge = await auth.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, auth.StatusCode);
        Assert.Equal("application/json", auth.Content.Headers.ContentType?.MediaType);
        Match match = Regex.Match(challenge, GoldenChallengePattern);
        Assert.True(match.Success, challenge);
        string nonce = match.Groups[1].Value;
        string setCookie = Assert.Single(auth.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"session_id={nonce};", setCookie, StringComparison.Ordinal);

        string evidence = workload.DevEvidenceText(Bind(nonce, workload.KMod, "AQAB"));
        Assert.Equal("AQAB", workload.KExp);
        string attest = GoldenAttest.Replace("%KMOD%", workload.KMod, StringComparison.Ordinal)
            .Replace("%EVIDENCE%", JsonEncodedText.Encode(evidence).ToString(), StringComparison.Ordinal);
        using (HttpResponseMessage attested = await workload.AttestAsync(attest))
        {
            Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
            Assert.Empty(await attested.Content.ReadAsByteArrayAsync());
        }

        using HttpResponseMessage key = await workload.Client.GetAsync("/kbs/v0/key/golden-app");
        string body = await key.Content.ReadAsStringAsync();
        Assert.Equal("application/json", key.Content.Headers.ContentType?.MediaType);
        Assert.Matches(GoldenKeyPattern, body);
        Assert.Equal("golden passphrase", Encoding.UTF8.GetString(workload.Rsa.Decrypt(Convert.FromHexString(body[1..^1]), RSAEncryptionPadding.OaepSHA256)));

        using HttpResponseMessage missing = await _session.Client.GetAsync("/kbs/v0/key/golden-app");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", missing.Content.Headers.ContentType?.ToString());
        Assert.Equal("Missing cookie"u8.ToArray(), await missing.Content.ReadAsByteArrayAsync());
    }

    [RequiresKmsTestDataFact]
    public async Task RealSnpEvidenceVerifiesButCannotBindAFreshNonce()
    {
        string root = Path.Combine(Environment.GetEnvironmentVariable("KMS_TESTDATA")!, "attestation", "sev-snp");
        byte[] report = File.ReadAllBytes(Path.Combine(root, "trustee_azure_snp_genoa_report_v3_EXTRACTED.bin"));
        string vcekPem = File.ReadAllText(Path.Combine(root, "trustee_azure_snp_vcek_genoa.pem"));
        string measurement = Convert.ToHexStringLower(report.AsSpan(0x90, 48));
        await RegisterAsync(_session.Admin, "snp-app", measurement, "snp secret");
        using var workload = new KbsTestWorkload(_session, "snp-app");

        string Evidence(byte[] bytes) => JsonSerializer.Serialize(new Dictionary<string, string> { ["report"] = Convert.ToHexStringLower(bytes), ["cert_chain"] = vcekPem, ["gen"] = "genoa" });
        var key = new Dictionary<string, string> { ["alg"] = "RSA", ["k-mod"] = workload.KMod, ["k-exp"] = workload.KExp };

        // Signed by its VCEK, chained to the pinned Genoa ARK: everything verifies but the report data, which was fixed
        // when the report was made and so cannot be SHA-512(nonce ‖ k-mod ‖ k-exp) of a session started now.
        await workload.AuthAsync("snp");
        await AssertErrorAsync(await workload.AttestAsync(AttestBody(key, Evidence(report))), HttpStatusCode.BadRequest,
            "The sev-snp evidence does not verify: The report data does not bind this request.");

        // The same report with one signed byte changed fails earlier, at the signature: the refusal above came after it.
        byte[] tampered = (byte[])report.Clone();
        tampered[0x90] ^= 1;
        await workload.AuthAsync("snp");
        await AssertErrorAsync(await workload.AttestAsync(AttestBody(key, Evidence(tampered))), HttpStatusCode.BadRequest, "signature does not verify");
    }

    [Fact]
    public async Task HostileBodiesGetA4xxInPlainTextNeverA500()
    {
        using var workload = new KbsTestWorkload(_session, "fuzzed");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "fuzz secret");
        string nonce = await workload.AuthAsync();
        string[] snpEvidence =
        [
            JsonSerializer.Serialize(new { report = new string('0', 2368), cert_chain = "", gen = "milan" }),
            JsonSerializer.Serialize(new { report = "zz", cert_chain = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }),
            JsonSerializer.Serialize(new { quote = "AAAA" }),
        ];
        (string Path, string Body)[] valid =
        [
            ("/kbs/v0/auth", AuthBody("dev", "fuzzed")),
            ("/kbs/v0/attest", workload.RsaAttestBody(nonce)),
            ("/kbs/v0/attest", AttestBody(new Dictionary<string, string> { ["alg"] = "hpke-xwing", ["key"] = Convert.ToBase64String(new byte[1216]) }, snpEvidence[0])),
            ("/kbs/v0/attest", AttestBody(new Dictionary<string, string> { ["alg"] = "RSA", ["k-mod"] = workload.KMod, ["k-exp"] = "AQAB" }, snpEvidence[1])),
            ("/kbs/v0/attest", AttestBody(new Dictionary<string, string> { ["alg"] = "RSA", ["k-mod"] = workload.KMod, ["k-exp"] = "AQAB" }, snpEvidence[2])),
        ];
        var random = new Random(12);
        for (int i = 0; i < 300; i++)
        {
            (string path, string body) = valid[random.Next(valid.Length)];
            if (path.EndsWith("attest", StringComparison.Ordinal))
            {
                await workload.AuthAsync(); // a fresh session, so that the mutation, not a used challenge, is refused
            }

            string hostile = Fuzz.Mutate(body, random);
            using HttpResponseMessage response = await workload.Client.PostAsync(path, Json(hostile));
            int status = (int)response.StatusCode;
            Assert.True(status is 200 or (>= 400 and < 500), $"{path} answered {status} to {hostile}: {await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
            {
                Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }
}

/// <summary>Mutations of valid JSON request bodies for the compatible front ends' fuzz tests.</summary>
internal static class Fuzz
{
    public static string Mutate(string json, Random random)
    {
        char[] text = json.ToCharArray();
        switch (random.Next(7))
        {
            case 0:
                return json[..random.Next(json.Length)];
            case 1:
                text[random.Next(text.Length)] = (char)random.Next(0x20, 0x7f);
                return new string(text);
            case 2:
                return json.Insert(random.Next(json.Length), new[] { "null", "[]", "{}", "\"x\"", "1e999", "-1", "\"\\u0000\"", ",", "\\\"" }[random.Next(9)]);
            case 3:
                return Regex.Replace(json, "\"[A-Za-z0-9+/=_-]{8,}\"", _ => random.Next(3) switch { 0 => "\"zz\"", 1 => "12", _ => "\"" + new string('A', random.Next(1, 3000)) + "\"" }, RegexOptions.None, TimeSpan.FromSeconds(1));
            case 4:
                return Convert.ToBase64String(RandomNumberGenerator.GetBytes(random.Next(1, 200)));
            case 5:
                {
                    // Flip a character inside an embedded base64 or hex run (the evidence decoders' input).
                    int at = random.Next(text.Length);
                    text[at] = text[at] switch { >= 'a' and <= 'z' => char.ToUpperInvariant(text[at]), >= 'A' and <= 'Z' => '0', _ => 'f' };
                    return new string(text);
                }

            default:
                return json.Replace("\":", "\":" + (random.Next(2) == 0 ? "null," : "[1],") + "\"extra\":", StringComparison.Ordinal);
        }
    }
}

/// <summary>A fact that needs the shared test data: skipped with a reason where <c>KMS_TESTDATA</c> is unset.</summary>
public sealed class RequiresKmsTestDataFactAttribute : FactAttribute
{
    public RequiresKmsTestDataFactAttribute()
    {
        string? directory = Environment.GetEnvironmentVariable("KMS_TESTDATA");
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            Skip = "KMS_TESTDATA is not set to the shared test data folder (.ci/run sets it); real evidence is not in the repository.";
        }
    }
}
