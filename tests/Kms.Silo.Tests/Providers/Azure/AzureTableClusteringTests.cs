using Kms.Client.Cluster.Azure;
using Azure.Data.Tables;
using Kms.Silo.Providers.Azure;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>
/// Silos in this process form one cluster through Azure Table membership in Azurite, clients find gateways through
/// the same table, and a stopped silo is marked Dead there.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableClusteringTests(AzuriteFixture fixture)
{
    private static readonly TimeSpan s_membershipTimeout = TimeSpan.FromSeconds(30);

    [RequiresAzuriteFact]
    public async Task TwoSilosFormOneClusterAndACallFromOneReachesAGrainOnTheOther()
    {
        ClusterOptions cluster = AzureTestCluster.NewClusterIdentity();
        await using RunningHost first = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "first", CancellationToken.None);
        await using RunningHost second = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "second", CancellationToken.None);

        Assert.True(await AzureTestCluster.EventuallyAsync(
            async () => await CountActiveSilosAsync(first) == 2 && await CountActiveSilosAsync(second) == 2,
            s_membershipTimeout, CancellationToken.None), "both silos must see two active silos");
        List<TableEntity> rows = await MembershipRowsAsync(cluster);
        Assert.Equal(["Active", "Active"], rows.Select(row => row.GetString("Status")));

        // Activated on the second silo by a local call (prefer-local placement), then called from the first.
        string grainKey = Guid.NewGuid().ToString("N");
        string hostedOn = await second.GrainFactory.GetGrain<ISiloLocatorGrain>(grainKey).GetHostingSiloAsync();
        string seenFromFirst = await first.GrainFactory.GetGrain<ISiloLocatorGrain>(grainKey).GetHostingSiloAsync();

        Assert.Equal(second.SiloAddress, hostedOn);
        Assert.Equal(hostedOn, seenFromFirst);
        Assert.NotEqual(first.SiloAddress, seenFromFirst);
    }

    [RequiresAzuriteFact]
    public async Task AClientFindsAGatewayThroughTheMembershipTableAndCallsAGrain()
    {
        ClusterOptions cluster = AzureTestCluster.NewClusterIdentity();
        await using RunningHost silo = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "gateway", CancellationToken.None);
        await using RunningHost client = await AzureTestCluster.StartClientAsync(fixture.Server, cluster, CancellationToken.None);

        string hostedOn = await client.GrainFactory.GetGrain<ISiloLocatorGrain>("from-client").GetHostingSiloAsync();

        Assert.Equal(silo.SiloAddress, hostedOn);
    }

    [RequiresAzuriteFact]
    public async Task TheGatewayListOfAClientHoldsTheGatewaysOfItsOwnClusterOnly()
    {
        ClusterOptions cluster = AzureTestCluster.NewClusterIdentity();
        await using RunningHost silo = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "listed", CancellationToken.None);
        int gatewayPort = silo.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress.Endpoint.Port;

        IList<Uri> own = await GatewaysSeenByAClientOfAsync(cluster);
        // Same table, another cluster id: the running silo must not be offered to it.
        IList<Uri> stranger = await GatewaysSeenByAClientOfAsync(AzureTestCluster.NewClusterIdentity());

        Assert.Equal(gatewayPort, Assert.Single(own).Port);
        Assert.Empty(stranger);
    }

    [RequiresAzuriteFact]
    public async Task AStoppedSiloIsMarkedDeadAndItsGrainsActivateOnTheSurvivor()
    {
        ClusterOptions cluster = AzureTestCluster.NewClusterIdentity();
        await using RunningHost survivor = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "survivor", CancellationToken.None);
        await using RunningHost leaving = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "leaving", CancellationToken.None);
        string grainKey = Guid.NewGuid().ToString("N");
        Assert.Equal(leaving.SiloAddress, await leaving.GrainFactory.GetGrain<ISiloLocatorGrain>(grainKey).GetHostingSiloAsync());

        await leaving.DisposeAsync();

        TableEntity row = Assert.Single(await MembershipRowsAsync(cluster), row => row.GetString("SiloName") == "leaving");
        Assert.Equal("Dead", row.GetString("Status"));
        Assert.True(await AzureTestCluster.EventuallyAsync(
            async () => await CountActiveSilosAsync(survivor) == 1, s_membershipTimeout, CancellationToken.None),
            "the survivor must see the stopped silo leave");
        Assert.Equal(survivor.SiloAddress, await survivor.GrainFactory.GetGrain<ISiloLocatorGrain>(grainKey).GetHostingSiloAsync());
    }

    private async Task<IList<Uri>> GatewaysSeenByAClientOfAsync(ClusterOptions cluster)
    {
        using IHost client = AzureTestCluster.BuildClient(fixture.Server, cluster);
        IGatewayListProvider gateways = client.Services.GetRequiredService<IGatewayListProvider>();
        await gateways.InitializeGatewayListProvider();
        return await gateways.GetGateways();
    }

    private static async Task<int> CountActiveSilosAsync(RunningHost silo)
    {
        IManagementGrain management = silo.GrainFactory.GetGrain<IManagementGrain>(0);
        Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true);
        return hosts.Count;
    }

    private async Task<List<TableEntity>> MembershipRowsAsync(ClusterOptions cluster)
    {
        var table = new TableClient(fixture.Server.ConnectionString, AzureStoreOptions.DefaultClusteringTableName);
        var rows = new List<TableEntity>();
        await foreach (TableEntity entity in table.QueryAsync<TableEntity>())
        {
            // The provider keeps one version row per cluster besides the silo rows; silo rows carry a Status.
            if (entity.GetString("DeploymentId") == cluster.ClusterId && entity.GetString("Status") is not null)
            {
                rows.Add(entity);
            }
        }

        return rows;
    }
}
