using System.Security.Cryptography;
using System.Text.Json;
using Kms.Client.Admin;

namespace Kms.Silo.Tests.V1;

/// <summary>An in-process dev silo with its 1-of-1 cluster, its dev evidence key and a client signing as the dev admin.</summary>
internal sealed class DevSiloSession : IAsyncDisposable
{
    private TempDirectory? _ownedDirectory;

    private DevSiloSession(InProcessSilo silo, ECDsa devEvidenceKey, ECDsa adminKey, HttpClient admin)
    {
        Silo = silo;
        DevEvidenceKey = devEvidenceKey;
        AdminKey = adminKey;
        Admin = admin;
    }

    public InProcessSilo Silo { get; }

    public HttpClient Client => Silo.Client;

    public ECDsa DevEvidenceKey { get; }

    public ECDsa AdminKey { get; }

    /// <summary>Signs every request as "dev-admin".</summary>
    public HttpClient Admin { get; }

    /// <param name="workingDirectory">Where the silo runs (an appsettings.json there configures it); a fresh temp directory
    /// by default.</param>
    public static async Task<DevSiloSession> StartAsync(string? workingDirectory = null)
    {
        InProcessSilo silo = await InProcessSilo.StartAsync(workingDirectory: workingDirectory);
        await silo.WaitForDevClusterAsync();
        ECDsa adminKey = LoadKey(Path.Combine(silo.DataDirectory, KmsSiloOptions.DevAdminKeyFileName));
        var admin = new HttpClient(new AdminRequestSigningHandler("dev-admin", adminKey) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = silo.Client.BaseAddress,
        };
        return new DevSiloSession(silo, LoadKey(Path.Combine(silo.DataDirectory, KmsSiloOptions.DevEvidenceKeyFileName)), adminKey, admin);
    }

    /// <summary>A dev silo configured by <paramref name="appSettingsJson"/> (an appsettings.json in a temp directory the
    /// session owns and deletes).</summary>
    public static async Task<DevSiloSession> StartWithSettingsAsync(string appSettingsJson)
    {
        var directory = new TempDirectory();
        try
        {
            File.WriteAllText(directory.Combine("appsettings.json"), appSettingsJson);
            DevSiloSession session = await StartAsync(directory.Path);
            session._ownedDirectory = directory;
            return session;
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Asserts a problem-details answer with <paramref name="status"/> whose detail contains the text.</summary>
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
        AdminKey.Dispose();
        DevEvidenceKey.Dispose();
        await Silo.DisposeAsync();
        _ownedDirectory?.Dispose();
    }

    private static ECDsa LoadKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
