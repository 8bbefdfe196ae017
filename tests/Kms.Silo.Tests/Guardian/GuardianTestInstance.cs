using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Attestation.Dev;

namespace Kms.Silo.Tests.Guardian;

/// <summary>A tee-guardian client instance with dev evidence: an instance id chosen at boot, its measurements.</summary>
internal sealed class GuardianTestInstance(ECDsa devEvidenceKey, string image = "guardian-app")
{
    public byte[] InstanceId { get; init; } = RandomNumberGenerator.GetBytes(32);

    public Dictionary<string, byte[]> Measurements { get; } = new() { ["rtmr0"] = SHA384.HashData(Encoding.UTF8.GetBytes(image)) };

    /// <summary>The measurement object an admin adds for this image (the "dev" platform).</summary>
    public object MeasurementObject(string ns) => new
    {
        @namespace = ns,
        platform = "dev",
        data = new { measurements = Measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)) },
    };

    /// <summary>The <c>evidence</c> field: base64 of <c>{"dev":&lt;dev evidence&gt;}</c> over <paramref name="reportData"/>.</summary>
    public string Evidence(byte[] reportData)
    {
        using JsonDocument dev = JsonDocument.Parse(DevEvidence.Create(devEvidenceKey, Measurements, reportData));
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, JsonElement> { ["dev"] = dev.RootElement }));
    }

    public string RegistrationEvidence() => Evidence([.. new byte[32], .. InstanceId]);

    public string VerificationEvidence(byte[] challenge) => Evidence([.. challenge, .. InstanceId]);

    public async Task<(byte[] Challenge, long ExpiresAt)> RegisterAsync(HttpClient client, string ns)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync($"/attestation/{ns}/register", new { evidence = RegistrationEvidence() });
        JsonElement body = await ReadAsync(response, HttpStatusCode.OK);
        return (Convert.FromHexString(body.GetProperty("challenge").GetString()!), body.GetProperty("expires_at").GetInt64());
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts tee-guardian's error: the status and <c>{"error":"…"}</c> containing <paramref name="text"/>.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string text)
    {
        using (response)
        {
            JsonElement body = await ReadAsync(response, status);
            Assert.Equal(JsonValueKind.Object, body.ValueKind);
            Assert.Single(body.EnumerateObject());
            Assert.Contains(text, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }
}
