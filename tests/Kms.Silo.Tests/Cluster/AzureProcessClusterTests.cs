using Kms.Client.Cluster.Azure;
using Kms.Silo.Tests.Providers.Azure;
using Kms.Tests.Shared;
using Xunit.Abstractions;

namespace Kms.Silo.Tests.Cluster;

/// <summary>Three <c>kms-silo</c> processes on one Azure Storage account (Azurite) with mutual TLS (see
/// <see cref="ProcessClusterScenario"/>).</summary>
[Collection(AzuriteCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AzureProcessClusterTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [RequiresAzuriteFact]
    public async Task ThreeSilos_FormOneCluster_AndRecoverFromSigkillAndSigstop()
    {
        string connectionString = azurite.Server.ConnectionString;
        await using var cluster = new ProcessClusterFixture(
            "azure-processes", ["--store", "AzureStorage", "--azure-storage", connectionString]);

        await ProcessClusterScenario.RunAsync(
            cluster, options => options.AzureStorage = new AzureStoreOptions { ConnectionString = connectionString }, output);
    }
}
