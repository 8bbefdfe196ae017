using Orleans.Clustering.AzureStorage;

namespace Kms.Silo.Providers.Azure;

/// <summary>
/// Configures an Orleans client (a trusted .NET service outside the silos) to find the gateways of a cluster on Azure
/// through the Azure Table membership that <see cref="AzureStoreSiloBuilderExtensions.UseKmsAzureStorage"/> writes.
/// </summary>
/// <remarks>Belongs in src/Client once that library exists: it needs only the Table service.</remarks>
public static class AzureStoreClientBuilderExtensions
{
    /// <summary>
    /// Discovers gateways in the membership table of <paramref name="options"/>; the blob settings are not used.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static IClientBuilder UseKmsAzureStorageClustering(this IClientBuilder builder, AzureStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AzureStoreClients clients = AzureStoreClients.Create(options, needsBlob: false);
        return builder.UseAzureStorageClustering((AzureStorageGatewayOptions gateway) =>
        {
            gateway.TableServiceClient = clients.Table;
            gateway.TableName = options.ClusteringTableName;
        });
    }
}
