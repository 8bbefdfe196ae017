using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kms.Silo.Tests.Admin;
using Kms.Silo.Tests.Kbs;
using Kms.Silo.Tests.V1;
using static Kms.Silo.Tests.Guardian.GuardianTestInstance;

namespace Kms.Silo.Tests.Guardian;

/// <summary>tee-guardian's attestation and measurement-registry routes of a dev silo, over real HTTP on loopback.</summary>
public sealed class GuardianDevSiloTests : IAsyncLifetime
{
    private DevSiloSession _session = null!;

    private HttpClient Client => _session.Client;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartAsync();

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [RequiresShellToolsFact]
    public async Task BothPhasesVerifyAnInstanceAndACertificateIssuedAfterVerifyChainsToTheNamespaceCa()
    {
        var instance = new GuardianTestInstance(_session.DevEvidenceKey);
        string hash = await AddMeasurementAsync("guardian-pki", instance);

        (byte[] challenge, long expiresAt) = await instance.RegisterAsync(Client, "guardian-pki");
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 50, 61);
        // While it is valid, the pending challenge is returned again (as tee-guardian does).
        Assert.Equal(challenge, (await instance.RegisterAsync(Client, "guardian-pki")).Challenge);

        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csr = new CertificateRequest("CN=guardian-node-1", tlsKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        byte[] binding = SHA256.HashData([.. challenge, .. SHA256.HashData(tlsKey.ExportSubjectPublicKeyInfo())]);
        JsonElement verified = await ReadAsync(await Client.PostAsJsonAsync("/attestation/guardian-pki/verify", new
        {
            evidence = instance.VerificationEvidence(binding),
            csr,
            challenge = Convert.ToHexStringLower(challenge),
        }), HttpStatusCode.OK);
        Assert.True(verified.GetProperty("verified").GetBoolean());
        Assert.Equal(hash, verified.GetProperty("measurement_hash").GetString());
        Assert.Equal("NotApplicable", verified.GetProperty("tcb_status").GetString());

        string ca = await Client.GetStringAsync("/v1/namespaces/guardian-pki/ca");
        Assert.Equal(ca, verified.GetProperty("ca_certificate").GetString());
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "ca.pem"), ca);
        File.WriteAllText(Path.Combine(directory.Path, "node.pem"), verified.GetProperty("certificate").GetString());
        string output = await KbsDevSiloTests.RunAsync(directory.Path, "openssl", "verify", "-CAfile", "ca.pem", "node.pem");
        Assert.Contains("node.pem: OK", output, StringComparison.Ordinal);
        using var leaf = X509Certificate2.CreateFromPem(verified.GetProperty("certificate").GetString());
        Assert.Equal(tlsKey.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task TheGoldenVerifyAnswerAndTheInstanceCannotRegisterTwice()
    {
        var instance = new GuardianTestInstance(_session.DevEvidenceKey);
        string hash = await AddMeasurementAsync("guardian-plain", instance);
        (byte[] challenge, _) = await instance.RegisterAsync(Client, "guardian-plain");
        using HttpResponseMessage response = await Client.PostAsync("/attestation/guardian-plain/verify",
            new StringContent($$"""{"evidence":"{{instance.VerificationEvidence(challenge)}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"verified":true,"measurement_hash":"{{hash}}","tcb_status":"NotApplicable"}""", await response.Content.ReadAsStringAsync());

        // The challenge is used once.
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-plain/verify", new { evidence = instance.VerificationEvidence(challenge) }), HttpStatusCode.NotFound, "No pending challenge");
        // A second instance presenting the verified instance's id is a conflict.
        var clone = new GuardianTestInstance(_session.DevEvidenceKey) { InstanceId = instance.InstanceId };
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-plain/register", new { evidence = clone.RegistrationEvidence() }), HttpStatusCode.Conflict, "already registered");
        // Another instance of the same image is welcome.
        var sibling = new GuardianTestInstance(_session.DevEvidenceKey);
        await sibling.RegisterAsync(Client, "guardian-plain");
    }

    [Fact]
    public async Task RefusalsHaveTeeGuardiansDocumentedStatuses()
    {
        var instance = new GuardianTestInstance(_session.DevEvidenceKey);
        string hash = await AddMeasurementAsync("guardian-refusals", instance);

        // No pending challenge: a challenge this KMS never issued.
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/verify", new { evidence = instance.VerificationEvidence(RandomNumberGenerator.GetBytes(32)) }), HttpStatusCode.NotFound, "No pending challenge");
        // Identity required: no instance id in REPORTDATA[32..64].
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = instance.Evidence(new byte[64]) }), HttpStatusCode.Conflict, "Identity required");
        // Evidence that does not carry zeros ‖ instance id in phase 1 does not verify.
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = instance.Evidence([.. RandomNumberGenerator.GetBytes(32), .. instance.InstanceId]) }), HttpStatusCode.Unauthorized, "does not bind this request");
        // A measurement that is not in the registry.
        var stranger = new GuardianTestInstance(_session.DevEvidenceKey, image: "not-registered");
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = stranger.RegistrationEvidence() }), HttpStatusCode.Forbidden, "not in the namespace's registry");
        // Unknown namespace, malformed evidence.
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/nowhere/register", new { evidence = instance.RegistrationEvidence() }), HttpStatusCode.NotFound, "does not exist");
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = "not base64!" }), HttpStatusCode.BadRequest, "base64");
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = Convert.ToBase64String("{\"other\":1}"u8) }), HttpStatusCode.BadRequest, "Unknown evidence");
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = Convert.ToBase64String("{\"attestation_report\":{\"measurement\":\"00\"}}"u8) }), HttpStatusCode.BadRequest, "as a parsed object is not accepted");

        // A revocation is in force for the next request: a pending challenge does not survive it.
        (byte[] challenge, _) = await instance.RegisterAsync(Client, "guardian-refusals");
        JsonElement revoked = await ReadAsync(await _session.Admin.DeleteAsync($"/measurements/guardian-refusals/{hash}"), HttpStatusCode.OK);
        Assert.InRange(revoked.GetProperty("revoked_at").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/verify", new { evidence = instance.VerificationEvidence(challenge) }), HttpStatusCode.Forbidden, "was revoked");
        await AssertErrorAsync(await Client.PostAsJsonAsync("/attestation/guardian-refusals/register", new { evidence = instance.RegistrationEvidence() }), HttpStatusCode.Forbidden, "was revoked");
    }

    [Fact]
    public async Task TheMeasurementRegistryRoutesKeepTeeGuardiansObjects()
    {
        byte[][] rtmrs = [.. Enumerable.Range(0, 4).Select(i => SHA384.HashData(new[] { (byte)i }))];
        string expectedHash = Convert.ToHexStringLower(SHA256.HashData([.. rtmrs.SelectMany(r => r)]));
        var tdx = new
        {
            platform = "tdx",
            data = new { rtmr0 = Convert.ToHexStringLower(rtmrs[0]), rtmr1 = Convert.ToHexStringLower(rtmrs[1]), rtmr2 = Convert.ToHexStringLower(rtmrs[2]), rtmr3 = Convert.ToHexStringLower(rtmrs[3]), debug_allowed = false },
        };
        JsonElement added = await ReadAsync(await _session.Admin.PostAsJsonAsync("/measurements/registry-ns", tdx), HttpStatusCode.Created);
        Assert.Equal(expectedHash, added.GetProperty("measurement_hash").GetString());

        using HttpResponseMessage got = await Client.GetAsync($"/measurements/registry-ns/{expectedHash}");
        string golden = $$"""{"namespace":"registry-ns","platform":"tdx","data":{"rtmr0":"{{tdx.data.rtmr0}}","rtmr1":"{{tdx.data.rtmr1}}","rtmr2":"{{tdx.data.rtmr2}}","rtmr3":"{{tdx.data.rtmr3}}","debug_allowed":false},"revoked_at":null,"measurement_hash":"{{expectedHash}}"}""";
        Assert.Equal(golden, await got.Content.ReadAsStringAsync());

        byte[] measurement = SHA384.HashData("snp"u8);
        JsonElement snp = await ReadAsync(await _session.Admin.PostAsJsonAsync("/measurements/registry-ns", new { platform = "sev_snp", data = new { measurement = Convert.ToHexStringLower(measurement) } }), HttpStatusCode.Created);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(measurement)), snp.GetProperty("measurement_hash").GetString());
        JsonElement list = await ReadAsync(await Client.GetAsync("/measurements/registry-ns"), HttpStatusCode.OK);
        Assert.Equal(2, list.GetArrayLength());

        using HttpResponseMessage missing = await Client.GetAsync($"/measurements/registry-ns/{new string('0', 64)}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("""{"error":"Measurement not found"}""", await missing.Content.ReadAsStringAsync());
        Assert.Equal("[]", await Client.GetStringAsync("/measurements/empty-ns"));

        // Admin routes: tee-guardian's Bearer token is refused with what to send instead; unsigned requests too.
        using var bearer = new HttpRequestMessage(HttpMethod.Post, "/measurements/registry-ns") { Content = JsonContent.Create(tdx) };
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "admin-token");
        await AssertErrorAsync(await Client.SendAsync(bearer), HttpStatusCode.Unauthorized, "A Bearer token is not accepted");
        await AssertErrorAsync(await Client.DeleteAsync($"/measurements/registry-ns/{expectedHash}"), HttpStatusCode.Unauthorized, "Kms-Admin-Key");
        await AssertErrorAsync(await _session.Admin.PostAsJsonAsync("/measurements/registry-ns", new { platform = "tdx", data = new { rtmr0 = "00" } }), HttpStatusCode.BadRequest, "rtmr0");
        await AssertErrorAsync(await _session.Admin.PostAsJsonAsync("/measurements/registry-ns", new { platform = "sgx", data = new { } }), HttpStatusCode.BadRequest, "platform");
        await AssertErrorAsync(await _session.Admin.DeleteAsync($"/measurements/registry-ns/{new string('1', 64)}"), HttpStatusCode.NotFound, "Measurement not found");
    }

    [RequiresKmsTestDataFact]
    public async Task RealSnpEvidenceVerifiesButItsReportDataIsNotARegistration()
    {
        string root = Path.Combine(Environment.GetEnvironmentVariable("KMS_TESTDATA")!, "attestation", "sev-snp");
        byte[] report = File.ReadAllBytes(Path.Combine(root, "trustee_azure_snp_genoa_report_v3_EXTRACTED.bin"));
        string vcek = File.ReadAllText(Path.Combine(root, "trustee_azure_snp_vcek_genoa.pem"));
        string ns = "guardian-snp";
        await ReadAsync(await _session.Admin.PostAsJsonAsync($"/measurements/{ns}", new
        {
            platform = "sev_snp",
            data = new { measurement = Convert.ToHexStringLower(report.AsSpan(0x90, 48)), host_data = Convert.ToHexStringLower(report.AsSpan(0xC0, 32)) },
        }), HttpStatusCode.Created);

        // Signature and chain verify (the pinned Genoa ARK); the report data the sample was made with is not 64 zero bytes.
        string evidence = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { attestation_report = Convert.ToHexStringLower(report), cert_chain = vcek }));
        await AssertErrorAsync(await Client.PostAsJsonAsync($"/attestation/{ns}/register", new { evidence }), HttpStatusCode.Unauthorized,
            "The sev-snp evidence does not verify: The report data does not bind this request.");
        byte[] tampered = (byte[])report.Clone();
        tampered[0x90] ^= 1;
        string forged = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { attestation_report = Convert.ToBase64String(tampered), cert_chain = vcek }));
        await AssertErrorAsync(await Client.PostAsJsonAsync($"/attestation/{ns}/register", new { evidence = forged }), HttpStatusCode.Unauthorized, "signature does not verify");
    }

    [Fact]
    public async Task HostileEvidenceGetsA4xxErrorObjectNeverA500()
    {
        var instance = new GuardianTestInstance(_session.DevEvidenceKey);
        await AddMeasurementAsync("guardian-fuzz", instance);
        string dev = Encoding.UTF8.GetString(Convert.FromBase64String(instance.RegistrationEvidence()));
        string[] inner =
        [
            dev,
            JsonSerializer.Serialize(new { quote = Convert.ToBase64String(new byte[632]) }),
            JsonSerializer.Serialize(new { attestation_report = new string('0', 2368), cert_chain = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }),
        ];
        var random = new Random(34);
        for (int i = 0; i < 300; i++)
        {
            string mutated = Fuzz.Mutate(inner[random.Next(inner.Length)], random);
            string path = random.Next(2) == 0 ? "/attestation/guardian-fuzz/register" : "/attestation/guardian-fuzz/verify";
            string body = random.Next(5) == 0
                ? Fuzz.Mutate(JsonSerializer.Serialize(new { evidence = Convert.ToBase64String(Encoding.UTF8.GetBytes(mutated)) }), random)
                : JsonSerializer.Serialize(new { evidence = Convert.ToBase64String(Encoding.UTF8.GetBytes(mutated)) });
            using HttpResponseMessage response = await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            int status = (int)response.StatusCode;
            Assert.True(status is 200 or (>= 400 and < 500), $"{path} answered {status} to {body}: {await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
            {
                Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("error", out _));
            }
        }
    }

    private async Task<string> AddMeasurementAsync(string ns, GuardianTestInstance instance)
    {
        JsonElement added = await ReadAsync(await _session.Admin.PostAsJsonAsync($"/measurements/{ns}", instance.MeasurementObject(ns)), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, added.GetProperty("revoked_at").ValueKind);
        return added.GetProperty("measurement_hash").GetString()!;
    }
}

/// <summary>A dev silo whose challenges live 2 seconds.</summary>
public sealed class GuardianChallengeExpiryTests : IAsyncLifetime
{
    private DevSiloSession _session = null!;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartWithSettingsAsync("""{"Silo":{"Grains":{"ChallengeLifetime":"00:00:02"}}}""");

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task AnExpiredChallengeIsRefused()
    {
        var instance = new GuardianTestInstance(_session.DevEvidenceKey);
        await ReadAsync(await _session.Admin.PostAsJsonAsync("/measurements/expiry", instance.MeasurementObject("expiry")), HttpStatusCode.Created);
        (byte[] challenge, _) = await instance.RegisterAsync(_session.Client, "expiry");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await AssertErrorAsync(await _session.Client.PostAsJsonAsync("/attestation/expiry/verify", new { evidence = instance.VerificationEvidence(challenge) }), HttpStatusCode.Unauthorized, "expired");
    }
}
