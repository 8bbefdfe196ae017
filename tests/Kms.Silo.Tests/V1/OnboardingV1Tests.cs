using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Attestation.Dev;
using Kms.Crypto.Release;
using static Kms.Silo.Tests.V1.DevSiloSession;

namespace Kms.Silo.Tests.V1;

/// <summary>
/// The onboarding routes over real HTTP on a dev silo. Its cluster is one silo with development clustering, so no
/// second silo can be a live member: the approval ends in the failed state that says so (the join itself is tested on a
/// TestCluster in Kms.Grains.Tests).
/// </summary>
public sealed class OnboardingV1Tests : IAsyncLifetime
{
    private DevSiloSession _session = null!;

    private HttpClient Client => _session.Client;

    private HttpClient Admin => _session.Admin;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartAsync();

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task ASubmittedRequestIsApprovedByTheDevAdminAndFailsBecauseTheSiloIsNotALiveMember()
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        string hash = Convert.ToHexStringLower(OnboardingBinding.RequestHash("silo-2", nonce));
        using HttpResponseMessage submitted = await Client.PostAsJsonAsync("/v1/onboarding", Submission("silo-2", nonce));
        JsonElement pending = await V1TestWorkload.ReadAsync(submitted, 202);
        Assert.Equal($"/v1/onboarding/{hash}", submitted.Headers.Location?.OriginalString);
        Assert.Equal(hash, pending.GetProperty("requestHash").GetString());
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.Equal(1, pending.GetProperty("approvalsRequired").GetInt32());
        Assert.Equal("dev", pending.GetProperty("evidence").GetProperty("tee").GetString());
        Assert.Equal("pending", (await V1TestWorkload.ReadAsync(await Client.GetAsync($"/v1/onboarding/{hash}"), 200)).GetProperty("state").GetString());

        await AssertProblemAsync(await Client.PostAsync($"/v1/onboarding/{hash}/approve", null), 401, "");
        JsonElement failed = await V1TestWorkload.ReadAsync(await Admin.PostAsync($"/v1/onboarding/{hash}/approve", null), 200);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Equal("dev-admin", failed.GetProperty("approvals")[0].GetProperty("admin").GetString());
        Assert.Contains("not a live member", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", (await V1TestWorkload.ReadAsync(await Client.GetAsync($"/v1/onboarding/{hash}"), 200)).GetProperty("state").GetString());
        Assert.Equal(1, (await V1TestWorkload.ReadAsync(await Client.GetAsync("/v1/cluster"), 200)).GetProperty("committee").GetArrayLength());

        JsonElement rejected = await V1TestWorkload.ReadAsync(await Admin.PostAsync($"/v1/onboarding/{hash}/reject", null), 200);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal("dev-admin", rejected.GetProperty("rejectedBy").GetString());
        await AssertProblemAsync(await Admin.PostAsync($"/v1/onboarding/{hash}/approve", null), 409, "rejected");
    }

    [Fact]
    public async Task RefusedSubmissionsAreProblemsThatSayWhy()
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        object otherBinding = Submission("silo-2", nonce, OnboardingBinding.ReportData("silo-3", nonce));
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/onboarding", otherBinding), 401, "does not verify");
        string hash = Convert.ToHexStringLower(OnboardingBinding.RequestHash("silo-2", nonce));
        await AssertProblemAsync(await Client.GetAsync($"/v1/onboarding/{hash}"), 404, hash);

        string self = (await V1TestWorkload.ReadAsync(await Client.GetAsync("/v1/cluster"), 200)).GetProperty("committee")[0].GetProperty("silo").GetString()!;
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/onboarding", Submission(self, nonce)), 409, "already holds a share");

        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/onboarding", Submission("a/b", nonce, new byte[64])), 400, "'silo'");
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/onboarding", new { silo = "silo-2", nonce = "00", evidence = new { type = "dev", evidence = "AA==" } }), 400, "'nonce'");
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/onboarding", new { silo = "silo-2", nonce = Convert.ToHexStringLower(nonce) }), 400, "");
        await AssertProblemAsync(await Client.GetAsync("/v1/onboarding/XYZ"), 400, "'hash'");
        await AssertProblemAsync(await Admin.PostAsync($"/v1/onboarding/{hash}/approve", null), 404, hash);
    }

    [Fact]
    public async Task OnchainApprovalNeedsAWellFormedRecordHashAndAKmsContract()
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        string hash = Convert.ToHexStringLower(OnboardingBinding.RequestHash("silo-onchain", nonce));
        string record = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await AssertProblemAsync(await Client.PostAsJsonAsync($"/v1/onboarding/{hash}/approve-onchain", new { onchainRequest = record }), 404, hash);
        await V1TestWorkload.ReadAsync(await Client.PostAsJsonAsync("/v1/onboarding", Submission("silo-onchain", nonce)), 202);

        await AssertProblemAsync(await Client.PostAsJsonAsync($"/v1/onboarding/{hash}/approve-onchain", new { onchainRequest = "0x1234" }), 400, "'onchainRequest'");
        await AssertProblemAsync(await Client.PostAsJsonAsync($"/v1/onboarding/{hash}/approve-onchain", new { }), 400, "");

        // The dev silo has no KMS governance contract: the chain cannot approve, and says so.
        await AssertProblemAsync(await Client.PostAsJsonAsync($"/v1/onboarding/{hash}/approve-onchain", new { onchainRequest = record }), 503, "KmsContract");
        Assert.Equal("pending", (await V1TestWorkload.ReadAsync(await Client.GetAsync($"/v1/onboarding/{hash}"), 200)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task RandomAndMutatedBodiesAreRefusedAsMalformedOrUnauthenticated()
    {
        var random = new Random(7);
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        byte[] valid = JsonSerializer.SerializeToUtf8Bytes(Submission("silo-fuzz", nonce));
        for (int i = 0; i < 60; i++)
        {
            byte[] body = i % 3 == 0 ? RandomNumberGenerator.GetBytes(random.Next(0, 300)) : [.. valid];
            if (i % 3 != 0)
            {
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(0x20, 0x7f);
                }
            }

            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await Client.PostAsync("/v1/onboarding", content);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(
                response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Accepted,
                $"{(int)response.StatusCode} for body {Encoding.UTF8.GetString(body)}: {text}");
        }
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheOnboardingRoutes()
    {
        JsonElement paths = (await V1TestWorkload.ReadAsync(await Client.GetAsync("/openapi/v1.json"), 200)).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/onboarding", out _));
        Assert.True(paths.TryGetProperty("/v1/onboarding/{hash}", out _));
        Assert.False(paths.GetProperty("/v1/onboarding/{hash}/approve-onchain").GetProperty("post").TryGetProperty("security", out _));
        Assert.True(paths.GetProperty("/v1/onboarding/{hash}/approve").GetProperty("post").TryGetProperty("security", out _));
        Assert.True(paths.GetProperty("/v1/onboarding/{hash}/reject").GetProperty("post").TryGetProperty("security", out _));
        Assert.False(paths.GetProperty("/v1/onboarding").GetProperty("post").TryGetProperty("security", out _));
    }

    private object Submission(string silo, byte[] nonce, byte[]? reportData = null) => new
    {
        silo,
        nonce = Convert.ToHexStringLower(nonce),
        evidence = new
        {
            type = "dev",
            evidence = Convert.ToBase64String(DevEvidence.Create(
                _session.DevEvidenceKey, new Dictionary<string, byte[]> { ["rtmr0"] = new byte[48] }, reportData ?? OnboardingBinding.ReportData(silo, nonce))),
        },
    };
}
