using System.Net;
using System.Text;
using Kms.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kms.Silo.Tests;

/// <summary>The silo hosts Orleans with the embedded store: sealed grain state in files under its data directory.</summary>
public sealed class GrainHostingTests
{
    [Fact]
    public async Task GrainState_PersistsInDataDirectory_AcrossSiloRestart_SealedAtRest()
    {
        using var directory = new TempDirectory();
        const string Marker = "entry-that-must-not-appear-in-plaintext";

        await using (InProcessSilo first = await InProcessSilo.StartAsync(workingDirectory: directory.Path))
        {
            Assert.Equal(SiloStatus.Active, first.App.Services.GetRequiredService<ISiloStatusOracle>().CurrentStatus);
            ILedgerGrain ledger = first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("alpha");
            Assert.Equal(1, await ledger.AppendAsync("one"));
            Assert.Equal(2, await ledger.AppendAsync(Marker));
        }

        string[] stateFiles = Directory.GetFiles(Path.Combine(directory.Path, "data", SiloRuntime.GrainStateDirectoryName));
        Assert.NotEmpty(stateFiles);
        foreach (string file in stateFiles)
        {
            byte[] content = File.ReadAllBytes(file);
            Assert.DoesNotContain(Marker, Encoding.UTF8.GetString(content), StringComparison.Ordinal);
            Assert.DoesNotContain("one", Encoding.Unicode.GetString(content), StringComparison.Ordinal);
        }

        await using InProcessSilo second = await InProcessSilo.StartAsync(workingDirectory: directory.Path);
        ILedgerGrain again = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("alpha");
        Assert.Equal(["one", Marker], await again.GetEntriesAsync());
        Assert.Equal(3, await again.AppendAsync("three"));
    }

    [Fact]
    public async Task StateWrittenUnderOneStorageKey_FailsToActivateUnderAnother_NeverReadsAsEmpty()
    {
        using var directory = new TempDirectory();
        await using (InProcessSilo first = await InProcessSilo.StartAsync(workingDirectory: directory.Path))
        {
            await first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("beta").AppendAsync("x");
        }

        File.Delete(Path.Combine(directory.Path, "data", KmsSiloOptions.DevStorageKeyFileName));
        await using InProcessSilo second = await InProcessSilo.StartAsync(workingDirectory: directory.Path);
        ILedgerGrain ledger = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("beta");

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => ledger.GetEntriesAsync());
        Assert.Contains("does not authenticate", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondSilo_OnTheSameDataDirectory_RefusesToStart()
    {
        using var directory = new TempDirectory();
        await using InProcessSilo first = await InProcessSilo.StartAsync(workingDirectory: directory.Path);

        SiloStartupException error = Assert.Throws<SiloStartupException>(() => InProcessSilo.Create(workingDirectory: directory.Path));

        Assert.Contains("in use by another kms-silo process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_Reports503_WithOrleansReason_WhileTheSiloIsNotActive()
    {
        // Kestrel keeps answering while the Orleans silo stops: stop only Orleans' hosted service.
        await using InProcessSilo silo = await InProcessSilo.StartAsync();
        IHostedService orleans = silo.App.Services.GetServices<IHostedService>()
            .Single(service => service.GetType().Name == "SiloHostedService");
        await orleans.StopAsync(CancellationToken.None);

        using HttpResponseMessage response = await silo.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("""{"status":"not ready","reason":"Orleans silo""", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_Reports503_WhenTheStoreCannotBeWritten()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, "data"));
        File.WriteAllText(Path.Combine(directory.Path, "data", SiloRuntime.GrainStateDirectoryName), "a file, not a directory");
        await using InProcessSilo silo = await InProcessSilo.StartAsync(workingDirectory: directory.Path);

        using HttpResponseMessage response = await silo.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("""{"status":"not ready","reason":"grain storage is unavailable"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ATamperedStateFile_IsReportedCorrupt()
    {
        using var directory = new TempDirectory();
        string stateDirectory = Path.Combine(directory.Path, "data", SiloRuntime.GrainStateDirectoryName);
        string[] before;
        await using (InProcessSilo first = await InProcessSilo.StartAsync(workingDirectory: directory.Path))
        {
            // The dev silo stores its own cluster state first; the ledger's file is the one the append adds.
            await first.WaitForDevClusterAsync();
            before = Directory.GetFiles(stateDirectory);
            await first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("gamma").AppendAsync("x");
        }

        string file = Assert.Single(Directory.GetFiles(stateDirectory).Except(before));
        byte[] content = File.ReadAllBytes(file);
        content[^40] ^= 0x01;
        File.WriteAllBytes(file, content);

        await using InProcessSilo second = await InProcessSilo.StartAsync(workingDirectory: directory.Path);
        ILedgerGrain ledger = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("gamma");
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => ledger.GetEntriesAsync());
        Assert.Contains("is corrupt", Flatten(error), StringComparison.Ordinal);
        Assert.True(File.Exists(file), "a corrupt state file is left for an operator");
    }

    private static string Flatten(Exception exception)
    {
        var text = new StringBuilder();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            text.Append(current.GetType().Name).Append(": ").AppendLine(current.Message);
        }

        return text.ToString();
    }
}
