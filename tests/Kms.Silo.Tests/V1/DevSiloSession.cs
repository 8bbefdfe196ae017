using System.Security.Cryptography;
using System.Text.Json;
using Kms.Client.Admin;

namespace Kms.Silo.Tests.V1;

/// <summary>A started dev silo with its 1-of-1 cluster, its dev evidence key and a client that signs as the dev admin.</summary>
internal sealed class DevSiloSession : IAsyncDisposable
{
    private readonly InProcessSilo _silo;
    private readonly ECDsa _adminKey;

    private DevSiloSession(InProcessSilo silo)
    {
        _silo = silo;
        DevEvidenceKey = LoadKey(Path.Combine(silo.DataDirectory, KmsSiloOptions.DevEvidenceKeyFileName));
        _adminKey = LoadKey(Path.Combine(silo.DataDirectory, KmsSiloOptions.DevAdminKeyFileName));
        Admin = new HttpClient(new AdminRequestSigningHandler("dev-admin", _adminKey) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = silo.Client.BaseAddress,
        };
    }

    /// <summary>An unauthenticated client.</summary>
    public HttpClient Client => _silo.Client;

    /// <summary>A client whose requests are signed by the dev admin.</summary>
    public HttpClient Admin { get; }

    /// <summary>The key the silo accepts dev evidence from.</summary>
    public ECDsa DevEvidenceKey { get; }

    public static async Task<DevSiloSession> StartAsync()
    {
        InProcessSilo silo = await InProcessSilo.StartAsync();
        await silo.WaitForDevClusterAsync();
        return new DevSiloSession(silo);
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> whose detail contains the text.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detailContains)
    {
        using (response)
        {
            JsonElement problem = await V1TestWorkload.ReadAsync(response, status);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        _adminKey.Dispose();
        DevEvidenceKey.Dispose();
        await _silo.DisposeAsync();
    }

    private static ECDsa LoadKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
