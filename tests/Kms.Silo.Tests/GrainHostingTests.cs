using System.Text;
using Kms.Actors;
using Kms.Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests;

/// <summary>The silo hosts the actor runtime with file storage under its data directory.</summary>
public sealed class GrainHostingTests
{
    [Fact]
    public async Task GrainState_PersistsInDataDirectory_AcrossSiloRestart_EncryptedAtRest()
    {
        using var directory = new TempDirectory();
        const string Marker = "entry-that-must-not-appear-in-plaintext";

        await using (InProcessSilo first = await InProcessSilo.StartAsync(
            workingDirectory: directory.Path, configureSilo: SiloTestGrainsJsonContext.Register))
        {
            Assert.True(first.App.Services.GetRequiredService<ISiloStatus>().IsActive);
            ILedgerGrain ledger = first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("alpha");
            Assert.Equal(1, await ledger.AppendAsync("one"));
            Assert.Equal(2, await ledger.AppendAsync(Marker));
        }

        string[] stateFiles = Directory.GetFiles(Path.Combine(directory.Path, "data", KmsSiloHost.GrainStorageDirectoryName));
        string stateFile = Assert.Single(stateFiles);
        Assert.DoesNotContain(Marker, Encoding.UTF8.GetString(File.ReadAllBytes(stateFile)), StringComparison.Ordinal);

        await using InProcessSilo second = await InProcessSilo.StartAsync(
            workingDirectory: directory.Path, configureSilo: SiloTestGrainsJsonContext.Register);
        ILedgerGrain again = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("alpha");
        Assert.Equal(["one", Marker], await again.GetEntriesAsync());
        Assert.Equal(3, await again.AppendAsync("three"));
    }

    [Fact]
    public async Task StateWrittenUnderOneStorageKey_IsNotReadableWithAnother()
    {
        using var directory = new TempDirectory();
        await using (InProcessSilo first = await InProcessSilo.StartAsync(
            workingDirectory: directory.Path, configureSilo: SiloTestGrainsJsonContext.Register))
        {
            await first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("beta").AppendAsync("x");
        }

        // A different dev key: the old state must fail authentication, never read as empty.
        File.Delete(Path.Combine(directory.Path, "data", KmsSiloOptions.DevStorageKeyFileName));
        await using InProcessSilo second = await InProcessSilo.StartAsync(
            workingDirectory: directory.Path, configureSilo: SiloTestGrainsJsonContext.Register);
        ILedgerGrain ledger = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("beta");

        await Assert.ThrowsAnyAsync<Exception>(() => ledger.GetEntriesAsync());
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
    public async Task Readyz_Reports503_WithRuntimeReason_WhileTheRuntimeIsNotActive()
    {
        // Kestrel answers while the runtime is stopped: stop only the runtime's hosted service.
        await using InProcessSilo silo = await InProcessSilo.StartAsync();
        Kms.Actors.Runtime.Silo runtime = silo.App.Services.GetRequiredService<Kms.Actors.Runtime.Silo>();
        await runtime.StopAsync(CancellationToken.None);

        using HttpResponseMessage response = await silo.Client.GetAsync("/readyz");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("""{"status":"not ready","reason":"actor runtime has stopped"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InvalidGrainRegistration_FailsTheBuild_AndReleasesTheDataDirectory()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<GrainInterfaceValidationException>(() => InProcessSilo.Create(
            workingDirectory: directory.Path, configureSilo: silo => silo.AddGrain<BrokenGrain>()));
        Assert.Contains(nameof(UnregisteredState), error.Message, StringComparison.Ordinal);

        await using InProcessSilo next = await InProcessSilo.StartAsync(workingDirectory: directory.Path);
        Assert.True(next.App.Services.GetRequiredService<ISiloStatus>().IsActive);
    }
}
