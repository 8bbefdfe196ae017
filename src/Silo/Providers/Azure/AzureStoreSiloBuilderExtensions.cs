using Kms.Client.Cluster.Azure;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;
using Orleans.Reminders.AzureStorage;

namespace Kms.Silo.Providers.Azure;

/// <summary>
/// Configures a silo for Azure: Azure Table clustering, Azure Blob grain storage and Azure Table reminders
/// (the Microsoft.Orleans.*.AzureStorage providers) from one <see cref="AzureStoreOptions"/>.
/// </summary>
public static class AzureStoreSiloBuilderExtensions
{
    /// <summary>
    /// Uses the storage account of <paramref name="options"/> for membership, for the grain storage named
    /// <paramref name="grainStorageName"/> and for reminders.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static ISiloBuilder UseKmsAzureStorage(this ISiloBuilder builder, AzureStoreOptions options, string grainStorageName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(grainStorageName);
        AzureStoreClients clients = AzureStoreClients.Create(options, needsBlob: true);
        return builder
            .UseKmsAzureTableClustering(options, clients)
            .AddKmsAzureBlobGrainStorage(options, clients, grainStorageName)
            .UseKmsAzureTableReminders(options, clients);
    }

    /// <summary>Azure Table membership only (grain storage and reminders configured elsewhere); no Blob URI needed.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static ISiloBuilder UseKmsAzureTableClustering(this ISiloBuilder builder, AzureStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseKmsAzureTableClustering(options, AzureStoreClients.Create(options, needsBlob: false));
    }

    /// <summary>Azure Blob grain storage only, registered under <paramref name="grainStorageName"/>.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static ISiloBuilder AddKmsAzureBlobGrainStorage(this ISiloBuilder builder, AzureStoreOptions options, string grainStorageName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(grainStorageName);
        return builder.AddKmsAzureBlobGrainStorage(options, AzureStoreClients.Create(options, needsBlob: true), grainStorageName);
    }

    /// <summary>Azure Table reminders only; no Blob URI needed.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static ISiloBuilder UseKmsAzureTableReminders(this ISiloBuilder builder, AzureStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseKmsAzureTableReminders(options, AzureStoreClients.Create(options, needsBlob: false));
    }

    private static ISiloBuilder UseKmsAzureTableClustering(this ISiloBuilder builder, AzureStoreOptions options, AzureStoreClients clients) =>
        builder.UseAzureStorageClustering((AzureStorageClusteringOptions clustering) =>
        {
            clustering.TableServiceClient = clients.Table;
            clustering.TableName = options.ClusteringTableName;
        });

    private static ISiloBuilder AddKmsAzureBlobGrainStorage(
        this ISiloBuilder builder, AzureStoreOptions options, AzureStoreClients clients, string grainStorageName) =>
        builder.AddAzureBlobGrainStorage(grainStorageName, (AzureBlobStorageOptions storage) =>
        {
            storage.BlobServiceClient = clients.Blob ?? throw new InvalidOperationException("The Blob service client was not made.");
            storage.ContainerName = options.GrainStateContainerName;
            // A cleared state is deleted, not overwritten with an empty blob: no stale ciphertext stays behind.
            storage.DeleteStateOnClear = true;
        });

    private static ISiloBuilder UseKmsAzureTableReminders(this ISiloBuilder builder, AzureStoreOptions options, AzureStoreClients clients) =>
        builder.UseAzureTableReminderService((AzureTableReminderStorageOptions reminders) =>
        {
            reminders.TableServiceClient = clients.Table;
            reminders.TableName = options.RemindersTableName;
        });
}
