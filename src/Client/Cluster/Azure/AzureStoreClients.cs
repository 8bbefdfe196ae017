using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Kms.Client.Cluster.Azure;

/// <summary>
/// The Table and Blob service clients made from validated <see cref="AzureStoreOptions"/>, shared by the clustering,
/// grain storage and reminder providers of one silo (the SDK clients are thread-safe; one credential caches tokens).
/// </summary>
public sealed class AzureStoreClients
{
    private AzureStoreClients(TableServiceClient table, BlobServiceClient? blob)
    {
        Table = table;
        Blob = blob;
    }

    /// <summary>The Table service: membership and reminders.</summary>
    public TableServiceClient Table { get; }

    /// <summary>The Blob service: grain state; null when only tables are used (membership, reminders, Orleans clients).</summary>
    public BlobServiceClient? Blob { get; }

    /// <summary>Validates <paramref name="options"/> and makes the clients; no request is sent yet.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static AzureStoreClients Create(AzureStoreOptions options, bool needsBlob)
    {
        AzureStoreOptionsValidator.ThrowIfInvalid(options, needsBlob);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new AzureStoreClients(
                new TableServiceClient(options.ConnectionString),
                needsBlob ? new BlobServiceClient(options.ConnectionString) : null);
        }

        TokenCredential credential = options.ManagedIdentityClientId is null
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
        return new AzureStoreClients(
            new TableServiceClient(options.TableServiceUri!, credential),
            needsBlob ? new BlobServiceClient(options.BlobServiceUri!, credential) : null);
    }
}
