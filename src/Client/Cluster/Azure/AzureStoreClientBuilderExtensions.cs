using Orleans.Clustering.AzureStorage;

namespace Kms.Client.Cluster.Azure;

/// <summary>
/// Configures an Orleans client (a trusted .NET service outside the silos) to find the gateways of a cluster on Azure
/// through the Azure Table membership that the silos of <c>--store AzureStorage</c> write. Only the Table service is
/// used.
/// </summary>
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
