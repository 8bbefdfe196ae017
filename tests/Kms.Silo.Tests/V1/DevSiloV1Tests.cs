using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kms.Client.Admin;
using Kms.Silo.Tests.Admin;
using static Kms.Silo.Tests.V1.DevSiloSession;

namespace Kms.Silo.Tests.V1;

/// <summary>The native API of a dev silo over real HTTP: the 1-of-1 cluster it initialises itself, an admin who signs
/// with the dev admin key, and a workload with dev evidence.</summary>
public sealed class DevSiloV1Tests : IAsyncLifetime
{
    private DevSiloSession _session = null!;
    private ECDsa _devEvidenceKey = null!;
    private HttpClient _admin = null!;

    private HttpClient Client => _session.Client;

    public async Task InitializeAsync()
    {
        _session = await DevSiloSession.StartAsync();
        _devEvidenceKey = _session.DevEvidenceKey;
        _admin = _session.Admin;
    }

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task ADevSiloServesItsOneOfOneClusterAndAWorkloadGetsTheSameKeyTwice()
    {
        JsonElement cluster = await V1TestWorkload.ReadAsync(await Client.GetAsync("/v1/cluster"), 200);
        Assert.Equal("active", cluster.GetProperty("state").GetString());
        Assert.Equal(1, cluster.GetProperty("threshold").GetInt32());
        Assert.Equal("dev-admin", cluster.GetProperty("admins")[0].GetString());

        using var workload = new V1TestWorkload(_devEvidenceKey);
        await CreateNamespaceAsync("apps", workload);
        byte[] first = await workload.DeriveAsync(Client, "apps");
        byte[] second = await workload.DeriveAsync(Client, "apps");
        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);

        JsonElement identity = await V1TestWorkload.ReadAsync(await _admin.GetAsync($"/v1/namespaces/apps/identities/{workload.Identity}"), 200);
        Assert.Equal(2, identity.GetProperty("releases").GetInt64());
    }

    [RequiresShellToolsFact]
    public async Task ACertificateIssuedForAnAttestedCsrVerifiesWithOpensslAgainstTheNamespaceCa()
    {
        using var workload = new V1TestWorkload(_devEvidenceKey);
        await CreateNamespaceAsync("pki", workload);
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csr = new CertificateRequest("CN=web-1", tlsKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        string challenge = await workload.ChallengeAsync(Client, "pki");
        using HttpResponseMessage response = await Client.PostAsJsonAsync("/v1/namespaces/pki/certificates", new
        {
            evidence = workload.Evidence(challenge, "csr", tlsKey.ExportSubjectPublicKeyInfo()),
            challenge,
            instanceId = Convert.ToHexStringLower(workload.InstanceId),
            csr,
        });
        JsonElement issued = await V1TestWorkload.ReadAsync(response, 200);
        string ca = await Client.GetStringAsync("/v1/namespaces/pki/ca");
        Assert.Equal(ca, issued.GetProperty("caCertificate").GetString());

        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "ca.pem"), ca);
        File.WriteAllText(Path.Combine(directory.Path, "leaf.pem"), issued.GetProperty("certificate").GetString());
        var openssl = Process.Start(new ProcessStartInfo("openssl", ["verify", "-CAfile", "ca.pem", "leaf.pem"])
        {
            WorkingDirectory = directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string output = await openssl.StandardOutput.ReadToEndAsync() + await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.True(openssl.ExitCode == 0, output);
        Assert.Contains("leaf.pem: OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusalsAreProblemDetailsWithTheRightStatus()
    {
        using var workload = new V1TestWorkload(_devEvidenceKey);
        await CreateNamespaceAsync("refusals", workload);

        // No policy match: a measurement that is not registered.
        using var stranger = new V1TestWorkload(_devEvidenceKey, image: "unknown");
        string strangerChallenge = await stranger.ChallengeAsync(Client, "refusals");
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/namespaces/refusals/keys", stranger.KeyRequest(strangerChallenge)), 403, "not in the namespace's registry");

        // Replayed evidence.
        string challenge = await workload.ChallengeAsync(Client, "refusals");
        object request = workload.KeyRequest(challenge);
        await V1TestWorkload.ReadAsync(await Client.PostAsJsonAsync("/v1/namespaces/refusals/keys", request), 200);
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/namespaces/refusals/keys", request), 401, "challenge");

        // Revoked: in force for the next request.
        await V1TestWorkload.ReadAsync(await _admin.DeleteAsync($"/v1/namespaces/refusals/measurements/{workload.Identity}"), 200);
        string next = await workload.ChallengeAsync(Client, "refusals");
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/namespaces/refusals/keys", workload.KeyRequest(next)), 403, "revoked");

        // Malformed input names what is wrong.
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/namespaces/refusals/challenges", new { identity = "xyz", instanceId = "00" }), 400, "identity");
        await AssertProblemAsync(await Client.PostAsync("/v1/namespaces/refusals/keys", new StringContent("{", System.Text.Encoding.UTF8, "application/json")), 400, "JSON");
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/namespaces/refusals/challenges", new { identity = workload.Identity }), 400, "instanceId");

        // Admin routes need a signature by a registered admin.
        await AssertProblemAsync(await Client.PutAsJsonAsync("/v1/namespaces/unsigned", new { policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() } }), 401, "");
        using var stranger2 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = new HttpClient(new AdminRequestSigningHandler("dev-admin", stranger2) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = Client.BaseAddress };
        await AssertProblemAsync(await impostor.PostAsync("/v1/namespaces/refusals/rotate", null), 401, "");

        // A second init is a conflict.
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/cluster/init", new
        {
            threshold = 1,
            admins = new[] { new { name = "late", signingKey = Convert.ToBase64String(stranger2.ExportSubjectPublicKeyInfo()), recoveryKey = (string?)null } },
            recoveryThreshold = 0,
        }), 409, "already initialized");
    }

    [Fact]
    public async Task VerifyReturnsTheClaimsAndTheIdentityToRegister()
    {
        using var workload = new V1TestWorkload(_devEvidenceKey);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);
        string evidence = Convert.ToBase64String(Kms.Attestation.Dev.DevEvidence.Create(_devEvidenceKey, workload.Measurements, reportData));
        JsonElement verified = await V1TestWorkload.ReadAsync(await Client.PostAsJsonAsync("/v1/attestation/verify", new
        {
            evidence = new { type = "dev", evidence },
            reportData = Convert.ToHexStringLower(reportData),
        }), 200);
        Assert.Equal(workload.Identity, verified.GetProperty("identity").GetString());
        Assert.Equal("dev", verified.GetProperty("tee").GetString());

        // Named, a namespace answers as a dry run: nothing is released and no challenge is spent.
        await CreateNamespaceAsync("dry-run", workload);
        JsonElement admitted = await V1TestWorkload.ReadAsync(await Client.PostAsJsonAsync("/v1/attestation/verify", new
        {
            evidence = new { type = "dev", evidence },
            reportData = Convert.ToHexStringLower(reportData),
            @namespace = "dry-run",
        }), 200);
        Assert.True(admitted.GetProperty("admission").GetProperty("allowed").GetBoolean());
        Assert.Equal(workload.Identity, admitted.GetProperty("admission").GetProperty("identity").GetString());
        using var stranger = new V1TestWorkload(_devEvidenceKey, image: "not-registered");
        string strangerEvidence = Convert.ToBase64String(Kms.Attestation.Dev.DevEvidence.Create(_devEvidenceKey, stranger.Measurements, reportData));
        JsonElement refused = await V1TestWorkload.ReadAsync(await Client.PostAsJsonAsync("/v1/attestation/verify", new
        {
            evidence = new { type = "dev", evidence = strangerEvidence },
            reportData = Convert.ToHexStringLower(reportData),
            @namespace = "dry-run",
        }), 200);
        Assert.False(refused.GetProperty("admission").GetProperty("allowed").GetBoolean());
        Assert.Contains("not in the namespace's registry", refused.GetProperty("admission").GetProperty("reason").GetString(), StringComparison.Ordinal);

        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/attestation/verify", new
        {
            evidence = new { type = "dev", evidence },
            reportData = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(64)),
        }), 401, "does not verify");
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheV1Routes()
    {
        JsonElement document = await V1TestWorkload.ReadAsync(await Client.GetAsync("/openapi/v1.json"), 200);
        JsonElement paths = document.GetProperty("paths");
        foreach (string path in new[] { "/v1/cluster", "/v1/cluster/init", "/v1/cluster/recover", "/v1/namespaces/{ns}/keys", "/v1/namespaces/{ns}/certificates", "/v1/namespaces/{ns}/challenges", "/v1/namespaces/{ns}/measurements/{identity}", "/v1/attestation/verify" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"The OpenAPI document lacks {path}.");
        }

        Assert.True(paths.GetProperty("/v1/namespaces/{ns}/rotate").GetProperty("post").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task HostileBodiesGetA4xxProblemNeverA500()
    {
        using var workload = new V1TestWorkload(_devEvidenceKey);
        await CreateNamespaceAsync("fuzz", workload);
        string challenge = await workload.ChallengeAsync(Client, "fuzz");
        (string Path, string Body)[] valid =
        [
            ("/v1/namespaces/fuzz/keys", JsonSerializer.Serialize(workload.KeyRequest(challenge))),
            ("/v1/namespaces/fuzz/challenges", JsonSerializer.Serialize(new { identity = workload.Identity, instanceId = Convert.ToHexStringLower(workload.InstanceId) })),
            ("/v1/attestation/verify", JsonSerializer.Serialize(new { evidence = new { type = "dev", evidence = "AAAA" }, reportData = "00" })),
            ("/v1/cluster/recover", JsonSerializer.Serialize(new { shares = new[] { "AAAA", "AAAB" }, threshold = 1 })),
            ("/v1/namespaces/fuzz/certificates", JsonSerializer.Serialize(new { evidence = new { type = "dev", evidence = "AAAA" }, challenge, instanceId = challenge, csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" })),
        ];
        var random = new Random(21);
        for (int i = 0; i < 400; i++)
        {
            (string path, string body) = valid[random.Next(valid.Length)];
            string hostile = Mutate(body, random);
            using var content = new StringContent(hostile, System.Text.Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await Client.PostAsync(path, content);
            int status = (int)response.StatusCode;
            Assert.True(status is 200 or (>= 400 and < 500) or 503, $"{path} answered {status} to {hostile}: {await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    private static string Mutate(string json, Random random)
    {
        char[] text = json.ToCharArray();
        switch (random.Next(6))
        {
            case 0:
                return json[..random.Next(json.Length)];
            case 1:
                text[random.Next(text.Length)] = (char)random.Next(0x20, 0x7f);
                return new string(text);
            case 2:
                return json.Insert(random.Next(json.Length), new[] { "null", "[]", "{}", "\"x\"", "1e999", "-1", "\"\\u0000\"", "," }[random.Next(8)]);
            case 3:
                return System.Text.RegularExpressions.Regex.Replace(json, "\"[A-Za-z0-9+/=_-]{8,}\"", _ => random.Next(2) == 0 ? "\"zz\"" : "12", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            case 4:
                return Convert.ToBase64String(RandomNumberGenerator.GetBytes(random.Next(1, 200)));
            default:
                return json.Replace("\":", "\":" + (random.Next(2) == 0 ? "null," : "[1],") + "\"extra\":", StringComparison.Ordinal);
        }
    }

    private async Task CreateNamespaceAsync(string ns, V1TestWorkload workload)
    {
        await V1TestWorkload.ReadAsync(await _admin.PutAsJsonAsync($"/v1/namespaces/{ns}", new
        {
            policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() },
        }), 201);
        await V1TestWorkload.ReadAsync(await _admin.PutAsJsonAsync($"/v1/namespaces/{ns}/measurements/{workload.Identity}", new { description = "test" }), 200);
    }
}
