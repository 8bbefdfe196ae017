using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Providers;
using Kms.Client.Admin;
using Kms.Client.Workloads;
using Kms.Tests.Shared;

namespace Kms.Client.Tests.Workloads;

/// <summary>A namespace on the shared dev silo set up by its admin, and workload clients with dev evidence for it.</summary>
internal sealed class DevSiloWorkload : IDisposable
{
    private readonly ECDsa _adminKey;
    private readonly ECDsa _evidenceKey;

    public DevSiloWorkload(DevSiloProcess silo, string image = "client-tests")
    {
        Silo = silo;
        Image = image;
        Namespace = "client-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        _adminKey = LoadKey(Path.Combine(silo.DataDirectory, "dev-admin.key"));
        _evidenceKey = LoadKey(Path.Combine(silo.DataDirectory, "dev-evidence.key"));
        Admin = new HttpClient(new AdminRequestSigningHandler("dev-admin", _adminKey) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = silo.ApiAddress,
        };
    }

    public DevSiloProcess Silo { get; }

    public string Image { get; }

    public string Namespace { get; }

    /// <summary>Signs as dev-admin.</summary>
    public HttpClient Admin { get; }

    public DevEvidenceProvider Evidence(string? image = null)
    {
        var key = ECDsa.Create();
        key.ImportParameters(_evidenceKey.ExportParameters(true));
        return new DevEvidenceProvider(key, new Dictionary<string, byte[]> { ["rtmr0"] = SHA384.HashData(Encoding.UTF8.GetBytes(image ?? Image)) });
    }

    public KmsWorkloadClientOptions Options(string scheme = RecipientSchemes.HpkeX25519, params Uri[] urls)
    {
        var options = new KmsWorkloadClientOptions { Namespace = Namespace, RecipientScheme = scheme, RequestTimeout = TimeSpan.FromSeconds(20) };
        foreach (Uri url in urls.Length == 0 ? [Silo.ApiAddress] : urls)
        {
            options.BaseAddresses.Add(url);
        }

        return options;
    }

    /// <summary>Creates the namespace, admits the identity <paramref name="identity"/> learns (it needs the namespace)
    /// and sets secret "db" to <paramref name="secret"/>; returns the identity.</summary>
    public async Task<string> SetUpAsync(Func<Task<string>> identity, byte[] secret)
    {
        await Expect(await Admin.PutAsJsonAsync($"v1/namespaces/{Namespace}", new { policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() } }));
        string learned = await identity();
        await AdmitAsync(learned);
        await Expect(await Admin.PutAsJsonAsync($"v1/namespaces/{Namespace}/secrets/db", new { value = Convert.ToBase64String(secret) }));
        return learned;
    }

    public async Task AdmitAsync(string identity) =>
        await Expect(await Admin.PutAsJsonAsync($"v1/namespaces/{Namespace}/measurements/{identity}", new { description = "test" }));

    public async Task RevokeAsync(string identity) =>
        await Expect(await Admin.DeleteAsync($"v1/namespaces/{Namespace}/measurements/{identity}"));

    public void Dispose()
    {
        Admin.Dispose();
        _adminKey.Dispose();
        _evidenceKey.Dispose();
    }

    private static async Task Expect(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static ECDsa LoadKey(string file)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return key;
    }
}

[CollectionDefinition(Name)]
public sealed class DevSiloCollection : ICollectionFixture<DevSiloFixture>
{
    public const string Name = "dev silo";
}
