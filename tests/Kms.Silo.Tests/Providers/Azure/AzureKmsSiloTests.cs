using System.Net;
using System.Text;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary><c>kms-silo --store AzureStorage</c>: ready on Azurite, only sealed state there, and its option errors.</summary>
[Collection(AzuriteCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AzureKmsSiloTests(AzuriteFixture fixture) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [RequiresAzuriteFact]
    public async Task ASiloOnAzureStorage_IsReady_AndAzuriteHoldsOnlySealedState()
    {
        using var certificates = new TestClusterCertificates(_directory.Combine("tls"));
        string clusterId = "az-" + Guid.NewGuid().ToString("N")[..12];
        string[] args =
        [
            .. ProductionSiloArguments.Create(_directory.Path, certificates, clusterId, "az-silo-1"),
            "--advertised-address", "127.0.0.1", "--store", "AzureStorage", "--azure-storage", fixture.Server.ConnectionString,
        ];
        string secret = "a-secret-that-must-never-reach-azure-" + Guid.NewGuid().ToString("N");

        await using (InProcessSilo silo = await InProcessSilo.StartAsync(args, workingDirectory: _directory.Path))
        {
            using HttpResponseMessage ready = await silo.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            ILedgerGrain ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>(clusterId);
            Assert.Equal(1, await ledger.AppendAsync(secret));
        }

        string stored = Encoding.Latin1.GetString(await fixture.Server.DumpAllAsync(CancellationToken.None));
        Assert.Contains(clusterId, stored, StringComparison.Ordinal); // the membership rows: the dump sees this cluster
        foreach (string form in StoredForms.Of(Encoding.UTF8.GetBytes(secret)))
        {
            Assert.DoesNotContain(form, stored, StringComparison.OrdinalIgnoreCase);
        }

        // A new process with the same storage key reads the state back from the blob.
        await using InProcessSilo again = await InProcessSilo.StartAsync(args, workingDirectory: _directory.Path);
        ILedgerGrain reread = again.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>(clusterId);
        Assert.Equal([secret], await reread.GetEntriesAsync());
    }

    [Fact]
    public async Task AzureStorageWithoutAnAccount_RefusesToStart_WithExitCode2()
    {
        var error = new StringWriter();
        string[] args = ["--dev", "--store", "AzureStorage"];

        int exitCode = await KmsSiloProgram.RunAsync(
            new SiloLaunchContext(args, new Dictionary<string, string>(), _directory.Path, _directory.Path),
            new StringWriter(), error, CancellationToken.None);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("Silo:Store:Azure:ConnectionString", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedAzureConnectionString_IsRefused_WithoutEchoingIt()
    {
        const string Key = "do-not-echo-this-account-key";
        var error = new StringWriter();
        string[] args = ["--dev", "--store", "AzureStorage", "--azure-storage", $"AccountName=a;AccountKey={Key};Bogus"];

        int exitCode = await KmsSiloProgram.RunAsync(
            new SiloLaunchContext(args, new Dictionary<string, string>(), _directory.Path, _directory.Path),
            new StringWriter(), error, CancellationToken.None);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("not a valid Azure Storage connection string", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.ToString(), StringComparison.Ordinal);
    }
}
