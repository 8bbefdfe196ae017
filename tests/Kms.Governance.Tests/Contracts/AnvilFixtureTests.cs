using System.Diagnostics;

namespace Kms.Governance.Tests.Contracts;

public sealed class AnvilFixtureTests
{
    [RequiresAnvilFact]
    public async Task Dispose_KillsTheAnvilProcess()
    {
        var fixture = new AnvilFixture();
        await fixture.InitializeAsync();
        int pid = fixture.ProcessId!.Value;
        Assert.NotEmpty(await fixture.Client.GetCodeAsync(fixture.KmsAddress, Kms.Governance.JsonRpc.BlockTag.Latest));

        await fixture.DisposeAsync();

        bool alive;
        try
        {
            using Process process = Process.GetProcessById(pid);
            alive = !process.HasExited;
        }
        catch (ArgumentException)
        {
            alive = false; // no such process any more
        }

        Assert.False(alive);
    }
}
