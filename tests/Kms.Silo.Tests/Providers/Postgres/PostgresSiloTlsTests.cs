using Kms.Silo.Tests.Cluster;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>A silo whose certificate is not from the cluster CA cannot join a cluster, even with the store's
/// credentials and the storage key.</summary>
[Collection(PostgresCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresSiloTlsTests(PostgresServer server) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [RequiresPostgresFact]
    public async Task ASiloWithAForeignCertificate_CannotJoin()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        using var cluster = new TestClusterCertificates(_directory.Combine("cluster"));
        using var foreign = new TestClusterCertificates(_directory.Combine("foreign"), "Another CA");
        string[] store = ["--store", "Postgres", "--postgres", connectionString, "--advertised-address", "127.0.0.1"];

        await using InProcessSilo member = await InProcessSilo.StartAsync(
            [.. ProductionSiloArguments.Create(_directory.Path, cluster, "tls-join", "member"), .. store],
            workingDirectory: _directory.Path);

        // The intruder trusts its own CA and presents a certificate from it; everything else is right. It runs as
        // a process of its own: Orleans ends the process of a silo that the cluster declares dead.
        await using SiloProcess intruder = SiloProcess.Start("intruder", _directory.Path,
            [.. ProductionSiloArguments.Create(_directory.Path, foreign, "tls-join", "intruder"), .. store]);
        bool exited = await intruder.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exited, "the intruder gave up or was declared dead within 90 s:\n" + intruder.Output);
        Assert.NotEqual(0, intruder.ExitCode);
        var membership = member.App.Services.GetRequiredService<IClusterMembershipService>();
        Assert.DoesNotContain(membership.CurrentSnapshot.Members.Values,
            m => m.Name == "intruder" && m.Status == SiloStatus.Active);
        Assert.Equal(SiloStatus.Active, member.App.Services.GetRequiredService<ISiloStatusOracle>().CurrentStatus);
    }
}
