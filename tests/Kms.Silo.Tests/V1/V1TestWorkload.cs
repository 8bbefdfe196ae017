using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Kms.Attestation.Dev;
using Kms.Crypto.Hpke;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;

namespace Kms.Silo.Tests.V1;

/// <summary>A workload that talks to a silo's /v1 API over HTTP with dev evidence.</summary>
internal sealed class V1TestWorkload(ECDsa devEvidenceKey, string image = "app-v1") : IDisposable
{
    public Dictionary<string, byte[]> Measurements { get; } = new()
    {
        ["rtmr0"] = SHA384.HashData(System.Text.Encoding.UTF8.GetBytes(image)),
    };

    public string Identity => MeasurementIdentity.Compute(new VerifiedWorkload(
        "dev", "dev", true, "NotApplicable", [], Measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)), []));

    public byte[] InstanceId { get; } = RandomNumberGenerator.GetBytes(32);

    public X25519KeyPair Key { get; } = X25519KeyPair.Generate();

    public async Task<string> ChallengeAsync(HttpClient client, string ns)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(
            $"/v1/namespaces/{ns}/challenges", new { identity = Identity, instanceId = Convert.ToHexStringLower(InstanceId) });
        JsonElement body = await ReadAsync(response, 200);
        return body.GetProperty("challenge").GetString()!;
    }

    public object Evidence(string challenge, string scheme, byte[] publicKey) => new
    {
        type = "dev",
        evidence = Convert.ToBase64String(DevEvidence.Create(
            devEvidenceKey, Measurements, ReleaseBinding.ReportData(Convert.FromHexString(challenge), InstanceId, scheme, publicKey))),
    };

    public object KeyRequest(string challenge) => new
    {
        evidence = Evidence(challenge, "hpke-x25519", Key.PublicKey.ToArray()),
        challenge,
        instanceId = Convert.ToHexStringLower(InstanceId),
        recipient = new { scheme = "hpke-x25519", publicKey = Convert.ToBase64String(Key.PublicKey) },
        purpose = "storage",
        name = "disk",
        version = 1,
    };

    /// <summary>Challenge, evidence, release; returns the opened key.</summary>
    public async Task<byte[]> DeriveAsync(HttpClient client, string ns)
    {
        string challenge = await ChallengeAsync(client, ns);
        using HttpResponseMessage response = await client.PostAsJsonAsync($"/v1/namespaces/{ns}/keys", KeyRequest(challenge));
        JsonElement body = await ReadAsync(response, 200);
        Assert.Equal(Identity, body.GetProperty("identity").GetString());
        return HpkeX25519.Open(
            Key, "Orleans.Kms release v1"u8, [],
            [.. Convert.FromBase64String(body.GetProperty("encapsulation").GetString()!), .. Convert.FromBase64String(body.GetProperty("ciphertext").GetString()!)]);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, int expectedStatus)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public void Dispose() => Key.Dispose();
}
