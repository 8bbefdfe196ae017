using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Crypto.Hpke;
using Kms.Silo.Tests.Admin;
using Kms.Silo.Tests.V1;
using static Kms.Silo.Tests.Kbs.KbsTestWorkload;

namespace Kms.Silo.Tests.Kbs;

/// <summary>The reference-KBS front end of a dev silo over real HTTP on loopback, with dev evidence.</summary>
public sealed class KbsDevSiloTests : IAsyncLifetime
{
    private DevSiloSession _session = null!;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartAsync();

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task TheRsaFlowReleasesTheRegisteredSecretEncryptedWithOaepSha256()
    {
        using var workload = new KbsTestWorkload(_session, "oaep-app");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "correct horse battery staple");

        byte[] ciphertext = await workload.FetchRsaCiphertextAsync();
        Assert.Equal(256, ciphertext.Length);
        Assert.Equal("correct horse battery staple", Encoding.UTF8.GetString(workload.Rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA256)));
        // Not PKCS#1 v1.5 (the reference's padding), which is off unless configured.
        Assert.ThrowsAny<CryptographicException>(() => workload.Rsa.Decrypt(ciphertext, RSAEncryptionPadding.Pkcs1));
    }

    [RequiresShellToolsFact]
    public async Task OpensslPkeyutlDecryptsTheOaepCiphertext()
    {
        using var workload = new KbsTestWorkload(_session, "openssl-app");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "s3cr3t-for-openssl");
        byte[] ciphertext = await workload.FetchRsaCiphertextAsync("RSA-OAEP-256");

        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "key.pem"), workload.Rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(Path.Combine(directory.Path, "secret.bin"), ciphertext);
        string output = await RunAsync(directory.Path, "openssl", "pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "secret.bin",
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
        Assert.Equal("s3cr3t-for-openssl", output);
    }

    [Fact]
    public async Task AnXWingTeeKeyGetsTheSecretSealedWithHpke()
    {
        using var workload = new KbsTestWorkload(_session, "pq-app");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "post-quantum passphrase");
        using XWingKeyPair key = XWingKeyPair.Generate();
        string encoded = Convert.ToBase64String(key.PublicKey);
        string nonce = await workload.AuthAsync();
        string body = AttestBody(
            new Dictionary<string, string> { ["alg"] = "hpke-xwing", ["key"] = encoded },
            workload.DevEvidenceText(Bind(nonce, "hpke-xwing", encoded)));
        using (HttpResponseMessage attested = await workload.AttestAsync(body))
        {
            Assert.True(attested.StatusCode == HttpStatusCode.OK, await attested.Content.ReadAsStringAsync());
        }

        JsonElement sealedSecret = await V1TestWorkload.ReadAsync(await workload.Client.GetAsync("/kbs/v0/key/pq-app"), 200);
        Assert.Equal("hpke-xwing", sealedSecret.GetProperty("alg").GetString());
        byte[] enc = Convert.FromBase64String(sealedSecret.GetProperty("enc").GetString()!);
        Assert.Equal(HpkeXWing.EncapsulatedKeySize, enc.Length);
        byte[] plaintext = HpkeXWing.Open(key, "Orleans.Kms release v1"u8, [], [.. enc, .. Convert.FromBase64String(sealedSecret.GetProperty("ciphertext").GetString()!)]);
        Assert.Equal("post-quantum passphrase", Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public async Task ASessionAttestsOnceReleasesOnceAndOnlyItsWorkloadsKey()
    {
        using var workload = new KbsTestWorkload(_session, "single-use");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "once");
        await RegisterAsync(_session.Admin, "other-workload", workload.Identity, "not yours");
        string nonce = await workload.AuthAsync();
        string body = workload.RsaAttestBody(nonce);

        await AssertErrorAsync(await workload.Client.GetAsync("/kbs/v0/key/single-use"), HttpStatusCode.Unauthorized, "Invalid session: it has not been attested.");
        Assert.Equal(HttpStatusCode.OK, (await workload.AttestAsync(body)).StatusCode);
        await AssertErrorAsync(await workload.AttestAsync(body), HttpStatusCode.BadRequest, "Invalid session: its challenge was already used");

        // Unlike the reference, a session releases only its own workload's key.
        await AssertErrorAsync(await workload.Client.GetAsync("/kbs/v0/key/other-workload"), HttpStatusCode.Forbidden, "bound to the key of workload 'single-use'");
        Assert.Equal(HttpStatusCode.OK, (await workload.Client.GetAsync("/kbs/v0/key/single-use")).StatusCode);
        await AssertErrorAsync(await workload.Client.GetAsync("/kbs/v0/key/single-use"), HttpStatusCode.Unauthorized, "Invalid session: its key was already released");
    }

    [Fact]
    public async Task MissingOrWrongCookiesAreRefusedWithTheReferenceMessages()
    {
        using var workload = new KbsTestWorkload(_session, "cookies");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "cookie secret");
        string nonce = await workload.AuthAsync();
        string body = workload.RsaAttestBody(nonce);

        HttpClient bare = _session.Client; // no cookie jar
        await AssertErrorAsync(await bare.PostAsync("/kbs/v0/attest", Json(body)), HttpStatusCode.BadRequest, "Missing cookie");
        await AssertErrorAsync(await bare.GetAsync("/kbs/v0/key/cookies"), HttpStatusCode.Unauthorized, "Missing cookie");
        await AssertErrorAsync(await SendWithCookieAsync(HttpMethod.Post, "/kbs/v0/attest", "session_id=not-a-session", body), HttpStatusCode.BadRequest, "Invalid cookie");
        await AssertErrorAsync(await SendWithCookieAsync(HttpMethod.Get, "/kbs/v0/key/cookies", "session_id=" + new string('a', 32), null), HttpStatusCode.Unauthorized, "Invalid cookie: no such session");
        await AssertErrorAsync(await SendWithCookieAsync(HttpMethod.Post, "/kbs/v0/attest", "session_id=" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), body), HttpStatusCode.BadRequest, "Invalid cookie: no such session");

        // The evidence binds this session's nonce: presented under another session it does not verify.
        using var other = new KbsTestWorkload(_session, "cookies");
        await other.AuthAsync();
        await AssertErrorAsync(await other.AttestAsync(body), HttpStatusCode.BadRequest, "does not verify");

        // The right cookie still works: nothing above touched this session.
        Assert.Equal(HttpStatusCode.OK, (await workload.AttestAsync(body)).StatusCode);
    }

    [Fact]
    public async Task EvidenceAndRequestsThatDoNotQualifyAreRefused()
    {
        using var workload = new KbsTestWorkload(_session, "refusals");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "refusal secret");

        // Another measurement than the registered one.
        string nonce = await workload.AuthAsync();
        var stranger = new Dictionary<string, byte[]> { ["rtmr0"] = SHA384.HashData("not registered"u8) };
        await AssertErrorAsync(await workload.AttestAsync(workload.RsaAttestBody(nonce, measurements: stranger)), HttpStatusCode.BadRequest, "is not in the namespace's registry");

        // Evidence bound to another key than the tee-pubkey.
        nonce = await workload.AuthAsync();
        using RSA otherKey = RSA.Create(2048);
        string mismatched = AttestBody(
            new Dictionary<string, string> { ["alg"] = "RSA", ["k-mod"] = Convert.ToBase64String(otherKey.ExportParameters(false).Modulus!), ["k-exp"] = workload.KExp },
            workload.DevEvidenceText(Bind(nonce, workload.KMod, workload.KExp)));
        await AssertErrorAsync(await workload.AttestAsync(mismatched), HttpStatusCode.BadRequest, "The dev evidence does not verify: The report data does not bind this request.");

        // PKCS#1 v1.5 is off unless configured; weak keys are refused.
        nonce = await workload.AuthAsync();
        await AssertErrorAsync(await workload.AttestAsync(workload.RsaAttestBody(nonce, "RSA1_5")), HttpStatusCode.BadRequest, "PKCS#1 v1.5 is disabled");
        using RSA weak = RSA.Create(1024);
        string weakBody = AttestBody(new Dictionary<string, string> { ["alg"] = "RSA", ["k-mod"] = Convert.ToBase64String(weak.ExportParameters(false).Modulus!), ["k-exp"] = "AQAB" }, "{}");
        await AssertErrorAsync(await workload.AttestAsync(weakBody), HttpStatusCode.BadRequest, "not an acceptable RSA key");

        // /auth: unsupported TEE, unregistered workload, malformed extra-params.
        await AssertErrorAsync(await workload.Client.PostAsync("/kbs/v0/auth", Json(AuthBody("sev", "refusals"))), HttpStatusCode.BadRequest, "Unsupported TEE");
        await AssertErrorAsync(await workload.Client.PostAsync("/kbs/v0/auth", Json(AuthBody("dev", "never-registered"))), HttpStatusCode.BadRequest, "No TEE config found");
        await AssertErrorAsync(await workload.Client.PostAsync("/kbs/v0/auth", Json("""{"version":"0.0.0","tee":"dev","extra-params":"{"}""")), HttpStatusCode.BadRequest, "extra-params");
        await AssertErrorAsync(await workload.Client.PostAsync("/kbs/v0/auth", new StringContent(AuthBody("dev", "refusals"), Encoding.UTF8, "text/plain")), HttpStatusCode.BadRequest, "application/json");

        // The reference answers GET /kbs/v0/ with 401.
        await AssertErrorAsync(await workload.Client.GetAsync("/kbs/v0/"), HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task RegisteringNeedsAnAdminSignatureAndReplacesTheMeasurement()
    {
        using var workload = new KbsTestWorkload(_session, "replaced");
        using HttpResponseMessage unsigned = await _session.Client.PostAsJsonAsync("/kbs/v0/register_workload", Registration("replaced", workload.Identity, "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("text/plain", unsigned.Content.Headers.ContentType?.MediaType);
        await AssertErrorAsync(await _session.Admin.PostAsJsonAsync("/kbs/v0/register_workload", Registration("replaced", "abcd", "x")), HttpStatusCode.BadRequest, "launch_measurement");

        await RegisterAsync(_session.Admin, "replaced", workload.Identity, "first");
        using var successor = new KbsTestWorkload(_session, "replaced", image: "kbs-app-v2");
        await RegisterAsync(_session.Admin, "replaced", successor.Identity, "second");

        string nonce = await workload.AuthAsync();
        await AssertErrorAsync(await workload.AttestAsync(workload.RsaAttestBody(nonce)), HttpStatusCode.BadRequest, "was revoked");
        byte[] ciphertext = await successor.FetchRsaCiphertextAsync();
        Assert.Equal("second", Encoding.UTF8.GetString(successor.Rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA256)));
    }

    [Fact]
    public async Task ARevocationBetweenAttestAndKeyIsInForce()
    {
        using var workload = new KbsTestWorkload(_session, "revoked-later");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "never released");
        string nonce = await workload.AuthAsync();
        Assert.Equal(HttpStatusCode.OK, (await workload.AttestAsync(workload.RsaAttestBody(nonce))).StatusCode);
        await V1TestWorkload.ReadAsync(await _session.Admin.DeleteAsync($"/v1/namespaces/kbs.revoked-later/measurements/{workload.Identity}"), 200);
        await AssertErrorAsync(await workload.Client.GetAsync("/kbs/v0/key/revoked-later"), HttpStatusCode.Forbidden, "was revoked");
    }

    private async Task<HttpResponseMessage> SendWithCookieAsync(HttpMethod method, string path, string cookie, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        return await _session.Client.SendAsync(request);
    }

    internal static async Task<string> RunAsync(string directory, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
