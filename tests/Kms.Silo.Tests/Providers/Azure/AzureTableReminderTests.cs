using Kms.Client.Cluster.Azure;
using System.Text;
using Azure.Data.Tables;
using Kms.Silo.Providers.Azure;
using Kms.Tests.Shared;
using Orleans.Configuration;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>Reminders through the Azure Table reminder service that <c>UseKmsAzureStorage</c> registers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableReminderTests(AzuriteFixture fixture)
{
    private static readonly TimeSpan s_fireTimeout = TimeSpan.FromSeconds(30);

    [RequiresAzuriteFact]
    public async Task AReminderIsStoredInTheTableFiresRepeatedlyAndIsRemovedWhenUnregistered()
    {
        ClusterOptions cluster = AzureTestCluster.NewClusterIdentity();
        await using RunningHost silo = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "reminders", CancellationToken.None);
        string grainKey = Guid.NewGuid().ToString("N");
        IReminderCounterGrain grain = silo.GrainFactory.GetGrain<IReminderCounterGrain>(grainKey);

        await grain.StartAsync(dueTime: TimeSpan.FromSeconds(1), period: TimeSpan.FromSeconds(1));
        Assert.Single(await ReminderRowsAsync(cluster, grainKey));
        byte[] stored = await fixture.Server.DumpAllAsync(CancellationToken.None);
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(grainKey)) >= 0, "the dump must include table entities");
        Assert.True(await AzureTestCluster.EventuallyAsync(
            async () => await grain.GetFiredCountAsync() >= 2, s_fireTimeout, CancellationToken.None),
            "the reminder must fire at least twice");

        await grain.StopAsync();
        Assert.Empty(await ReminderRowsAsync(cluster, grainKey));
    }

    private async Task<List<TableEntity>> ReminderRowsAsync(ClusterOptions cluster, string grainKey)
    {
        var table = new TableClient(fixture.Server.ConnectionString, AzureStoreOptions.DefaultRemindersTableName);
        var rows = new List<TableEntity>();
        await foreach (TableEntity entity in table.QueryAsync<TableEntity>())
        {
            if (entity.GetString("ServiceId") == cluster.ServiceId &&
                entity.GetString("ReminderName") == ReminderCounterGrain.ReminderName &&
                (entity.GetString("GrainReference") ?? string.Empty).Contains(grainKey, StringComparison.Ordinal))
            {
                rows.Add(entity);
            }
        }

        return rows;
    }
}
