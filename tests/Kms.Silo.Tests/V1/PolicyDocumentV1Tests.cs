using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kms.Crypto.Ed25519;
using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;

namespace Kms.Silo.Tests.V1;

/// <summary>
/// A namespace governed by policy documents over real HTTP on a dev silo: created with its signers, updated by
/// <c>PUT /v1/namespaces/{ns}/policy-document</c> with an envelope signed by an Ed25519 key and an Ethereum account.
/// </summary>
public sealed class PolicyDocumentV1Tests : IAsyncLifetime
{
    private static readonly byte[] s_ethereumKey = Convert.FromHexString("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private readonly Ed25519PrivateKey _edKey = Ed25519PrivateKey.Generate();
    private DevSiloSession _session = null!;

    private HttpClient Client => _session.Client;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartAsync();

    public async Task DisposeAsync()
    {
        _edKey.Dispose();
        await _session.DisposeAsync();
    }

    [Fact]
    public async Task ASignedDocumentPutInForceAdmitsTheWorkloadItLists()
    {
        JsonElement created = await V1TestWorkload.ReadAsync(await _session.Admin.PutAsJsonAsync("/v1/namespaces/docs", new
        {
            policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() },
            governance = "policy-documents",
            policySigners = new
            {
                signers = new[]
                {
                    new { scheme = "ed25519", signer = _edKey.PublicKey.ToHex() },
                    new { scheme = "secp256k1-eip191", signer = EthereumAddress.FromPrivateKey(s_ethereumKey).ToChecksumString() },
                },
                threshold = 2,
            },
        }), 201);
        Assert.Equal("policy-documents", created.GetProperty("governance").GetString());

        using var workload = new V1TestWorkload(_session.DevEvidenceKey);
        string challenge = await workload.ChallengeAsync(Client, "docs");
        await AssertProblemAsync(await Client.PostAsJsonAsync("/v1/namespaces/docs/keys", workload.KeyRequest(challenge)), 403, "has no policy");

        byte[] canonical = SignedPolicyBuilder.CanonicalizeBody(Encoding.UTF8.GetBytes(
            $$"""{"version":1,"namespace":"docs","serial":1,"identities":[{"identity":"{{workload.Identity}}"}]}"""));
        PolicySignatureEntry ed = SignedPolicyBuilder.SignEd25519(canonical, _edKey);
        PolicySignatureEntry eth = SignedPolicyBuilder.SignSecp256k1Eip191(canonical, s_ethereumKey);
        await AssertProblemAsync(await PutDocumentAsync(SignedPolicyBuilder.Assemble(canonical, [ed])), 403, "BelowThreshold");
        await AssertProblemAsync(await PutDocumentAsync("{\"policy\":1}"u8.ToArray()), 400, "Malformed");

        JsonElement applied = await V1TestWorkload.ReadAsync(await PutDocumentAsync(SignedPolicyBuilder.Assemble(canonical, [eth, ed])), 200);
        Assert.Equal(1, applied.GetProperty("serial").GetInt64());
        Assert.Equal(2, applied.GetProperty("signers").GetArrayLength());
        Assert.Equal(32, (await workload.DeriveAsync(Client, "docs")).Length);
        await AssertProblemAsync(await PutDocumentAsync(SignedPolicyBuilder.Assemble(canonical, [eth, ed])), 409, "SerialNotIncreasing");

        using var unsigned = new ByteArrayContent(SignedPolicyBuilder.Assemble(canonical, [eth, ed]));
        await AssertProblemAsync(await Client.PutAsync("/v1/namespaces/docs/policy-document", unsigned), 401, "");
        await AssertProblemAsync(await _session.Admin.PutAsJsonAsync("/v1/namespaces/0x" + new string('a', 40), new
        {
            policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() },
            governance = "onchain",
        }), 400, "no governance RPC endpoint");
    }

    private async Task<HttpResponseMessage> PutDocumentAsync(byte[] envelope)
    {
        using var content = new ByteArrayContent(envelope);
        content.Headers.ContentType = new("application/json");
        return await _session.Admin.PutAsync("/v1/namespaces/docs/policy-document", content);
    }

    private static Task AssertProblemAsync(HttpResponseMessage response, int status, string detailContains) =>
        DevSiloSession.AssertProblemAsync(response, status, detailContains);
}
