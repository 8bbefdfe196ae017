using Kms.Client.Cluster.Azure;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kms.Grains.Hosting;
using Kms.Silo.Providers.Azure;
using Kms.Tests.Shared;
using Orleans.Configuration;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>Grain state reaches Azure Blob storage only sealed by the KMS grain storage, and reads back in a new silo.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureSealedStateTests(AzuriteFixture fixture)
{
    [RequiresAzuriteFact]
    public async Task AzuriteHoldsOnlySealedStateThatANewSiloWithTheKeyReadsBack()
    {
        byte[] storageKey = RandomNumberGenerator.GetBytes(32);
        ClusterOptions cluster = AzureTestCluster.NewClusterIdentity();
        string ledgerKey = "azure-ledger-" + Guid.NewGuid().ToString("N");
        string secret = "a-secret-that-must-never-reach-azure-" + Guid.NewGuid().ToString("N");
        Action<ISiloBuilder> sealedStore = silo => silo.AddKmsGrains(storageKey, AzureTestCluster.GrainStorageName);

        await using (RunningHost writer = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "writer", CancellationToken.None, sealedStore))
        {
            Assert.Equal(1, await writer.GrainFactory.GetGrain<ILedgerGrain>(ledgerKey).AppendAsync(secret));
        }

        Assert.True(await LedgerBlobExistsAsync(ledgerKey), "the state must have been written to the grain state container");
        string stored = Encoding.Latin1.GetString(await fixture.Server.DumpAllAsync(CancellationToken.None));
        foreach (string form in StoredForms.Of(Encoding.UTF8.GetBytes(secret)))
        {
            Assert.DoesNotContain(form, stored, StringComparison.OrdinalIgnoreCase);
        }

        await using RunningHost reader = await AzureTestCluster.StartSiloAsync(fixture.Server, cluster, "reader", CancellationToken.None, sealedStore);
        Assert.Equal([secret], await reader.GrainFactory.GetGrain<ILedgerGrain>(ledgerKey).GetEntriesAsync());
    }

    private async Task<bool> LedgerBlobExistsAsync(string ledgerKey)
    {
        var container = new BlobContainerClient(fixture.Server.ConnectionString, AzureStoreOptions.DefaultGrainStateContainerName);
        await foreach (BlobItem blob in container.GetBlobsAsync())
        {
            if (blob.Name.Contains(ledgerKey, StringComparison.Ordinal) && blob.Properties.ContentLength > 0)
            {
                return true;
            }
        }

        return false;
    }
}
