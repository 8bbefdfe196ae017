using Kms.Silo.Tests.Cluster;

namespace Kms.Silo.Tests;

/// <summary>The real <c>kms-silo</c> executable, started as a separate process.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task DevSilo_Process_BecomesReady_PrintsBanner_AndExitsZeroOnSigterm()
    {
        using var directory = new TempDirectory();
        await using SiloProcess silo = SiloProcess.Start("dev-silo", directory.Path,
            ["--dev", "--urls", "http://127.0.0.1:0", "--data-dir", "state", "--silo-port", "0", "--gateway-port", "0"]);

        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(Path.Combine(directory.Path, "state", KmsSiloOptions.DevStorageKeyFileName)));

        await silo.SignalAsync("TERM");
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), "kms-silo stopped on SIGTERM");
        Assert.Equal(0, silo.ExitCode);
        Assert.Contains(DevModeBanner.Headline, silo.Output, StringComparison.Ordinal);
    }
}
