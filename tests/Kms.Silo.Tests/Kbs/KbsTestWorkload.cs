using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Attestation.Dev;
using Kms.Silo.Tests.V1;

namespace Kms.Silo.Tests.Kbs;

/// <summary>A reference-KBS client (as reference-kbc behaves: a cookie jar, the kbs-types JSON) with dev evidence.</summary>
internal sealed class KbsTestWorkload : IDisposable
{
    private readonly ECDsa _devEvidenceKey;
    private readonly V1TestWorkload _measurements;

    public KbsTestWorkload(DevSiloSession session, string workloadId, string image = "kbs-app")
    {
        _devEvidenceKey = session.DevEvidenceKey;
        _measurements = new V1TestWorkload(session.DevEvidenceKey, image);
        WorkloadId = workloadId;
        Cookies = new CookieContainer();
        Client = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true })
        {
            BaseAddress = session.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public string WorkloadId { get; }

    /// <summary>The dev workload's measurement identity (what register_workload admits).</summary>
    public string Identity => _measurements.Identity;

    public RSA Rsa { get; } = RSA.Create(2048);

    public CookieContainer Cookies { get; }

    public HttpClient Client { get; }

    public string KMod => Convert.ToBase64String(Rsa.ExportParameters(false).Modulus!);

    public string KExp => Convert.ToBase64String(Rsa.ExportParameters(false).Exponent!);

    public static object Registration(string workloadId, string launchMeasurement, string passphrase) => new Dictionary<string, string>
    {
        ["workload_id"] = workloadId,
        ["launch_measurement"] = launchMeasurement,
        ["tee_config"] = "{}",
        ["passphrase"] = passphrase,
    };

    public static async Task RegisterAsync(HttpClient admin, string workloadId, string launchMeasurement, string passphrase)
    {
        using HttpResponseMessage response = await admin.PostAsJsonAsync("/kbs/v0/register_workload", Registration(workloadId, launchMeasurement, passphrase));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POST /auth; returns the nonce (the cookie is in <see cref="Cookies"/>).</summary>
    public async Task<string> AuthAsync(string tee = "dev")
    {
        using HttpResponseMessage response = await Client.PostAsync("/kbs/v0/auth", Json(AuthBody(tee, WorkloadId)));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("nonce").GetString()!;
    }

    public static string AuthBody(string tee, string workloadId) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["version"] = "0.0.0", ["tee"] = tee, ["extra-params"] = JsonSerializer.Serialize(new { workload_id = workloadId }) });

    /// <summary>The /attest body with an RSA tee-pubkey and dev evidence binding SHA-512(nonce ‖ k-mod ‖ k-exp).</summary>
    public string RsaAttestBody(string nonce, string alg = "RSA", IReadOnlyDictionary<string, byte[]>? measurements = null) =>
        AttestBody(new Dictionary<string, string> { ["alg"] = alg, ["k-mod"] = KMod, ["k-exp"] = KExp }, DevEvidenceText(Bind(nonce, KMod, KExp), measurements));

    public string DevEvidenceText(byte[] reportData, IReadOnlyDictionary<string, byte[]>? measurements = null) =>
        Encoding.UTF8.GetString(DevEvidence.Create(_devEvidenceKey, measurements ?? _measurements.Measurements, reportData));

    public static string AttestBody(object teePubKey, string teeEvidence) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["tee-pubkey"] = teePubKey, ["tee-evidence"] = teeEvidence });

    public static byte[] Bind(string nonce, string first, string second) =>
        SHA512.HashData(Encoding.ASCII.GetBytes(nonce + first + second));

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> AttestAsync(string body) => await Client.PostAsync("/kbs/v0/attest", Json(body));

    /// <summary>Auth, attest (RSA), key: returns the hex ciphertext.</summary>
    public async Task<byte[]> FetchRsaCiphertextAsync(string alg = "RSA")
    {
        string nonce = await AuthAsync();
        using (HttpResponseMessage attested = await AttestAsync(RsaAttestBody(nonce, alg)))
        {
            Assert.True(attested.StatusCode == HttpStatusCode.OK, await attested.Content.ReadAsStringAsync());
        }

        using HttpResponseMessage key = await Client.GetAsync($"/kbs/v0/key/{WorkloadId}");
        string text = await key.Content.ReadAsStringAsync();
        Assert.True(key.StatusCode == HttpStatusCode.OK, text);
        return Convert.FromHexString(JsonSerializer.Deserialize<string>(text)!);
    }

    /// <summary>Asserts a reference-KBS error: the status and a plain-text body containing <paramref name="text"/>.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string text)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {body}");
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(text, body, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Rsa.Dispose();
        _measurements.Dispose();
    }
}
