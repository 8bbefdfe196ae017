using Kms.Silo.Tests.Providers.Postgres;
using Kms.Tests.Shared;
using Xunit.Abstractions;

namespace Kms.Silo.Tests.Cluster;

/// <summary>Three <c>kms-silo</c> processes on one PostgreSQL store with mutual TLS (see <see cref="ProcessClusterScenario"/>).</summary>
[Collection(PostgresCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresProcessClusterTests(PostgresServer server, ITestOutputHelper output)
{
    [RequiresPostgresFact]
    public async Task ThreeSilos_FormOneCluster_AndRecoverFromSigkillAndSigstop()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        await using var cluster = new ProcessClusterFixture("pg-processes", ["--store", "Postgres", "--postgres", connectionString]);

        await ProcessClusterScenario.RunAsync(cluster, options => options.PostgresConnectionString = connectionString, output);
    }
}
