namespace Kms.Client.Cluster.Azure;

/// <summary>
/// Where and how silos on Azure keep their cluster membership, grain state and reminders: Azure Table clustering,
/// Azure Blob grain storage and Azure Table reminders, all in one storage account.
/// </summary>
/// <remarks>
/// Authenticate with exactly one of: <see cref="ConnectionString"/> (a shared key or SAS; Azurite in tests), or
/// <see cref="TableServiceUri"/> and <see cref="BlobServiceUri"/> with an Entra ID token from a managed identity
/// (<see cref="ManagedIdentityClientId"/>) or <c>DefaultAzureCredential</c>. The identity needs the roles
/// "Storage Table Data Contributor" and "Storage Blob Data Contributor" on the account.
/// Rows and blobs are partitioned by Orleans' ServiceId and ClusterId, so several clusters can share the names.
/// </remarks>
public sealed class AzureStoreOptions
{
    /// <summary>
    /// The configuration section the options are meant to be bound from, beside <c>Silo:Store:Postgres</c>; the
    /// validation messages name settings under it.
    /// </summary>
    public const string SectionName = "Silo:Store:Azure";

    /// <summary>The membership table when none is configured (Orleans' own default name).</summary>
    public const string DefaultClusteringTableName = "OrleansSiloInstances";

    /// <summary>The reminder table when none is configured (Orleans' own default name).</summary>
    public const string DefaultRemindersTableName = "OrleansReminders";

    /// <summary>The blob container of grain state when none is configured.</summary>
    public const string DefaultGrainStateContainerName = "kms-grain-state";

    /// <summary>
    /// A storage account connection string. A secret: keep it out of files under version control (environment
    /// variable <c>KMS_Silo__Store__Azure__ConnectionString</c> or a secret store). Default: <see langword="null"/> (use the URIs).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The Table service endpoint, e.g. <c>https://ACCOUNT.table.core.windows.net/</c>; https only, since it carries
    /// bearer tokens. Required with <see cref="BlobServiceUri"/> when <see cref="ConnectionString"/> is not set.
    /// Default: <see langword="null"/>.
    /// </summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// The Blob service endpoint, e.g. <c>https://ACCOUNT.blob.core.windows.net/</c>; https only. Required with
    /// <see cref="TableServiceUri"/> when <see cref="ConnectionString"/> is not set. Default: <see langword="null"/>.
    /// </summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>
    /// The client id of the user-assigned managed identity to authenticate with when the URIs are used.
    /// Default: <see langword="null"/>: <c>DefaultAzureCredential</c> (the system-assigned identity on Azure; a
    /// developer's Azure CLI login elsewhere). Not allowed with <see cref="ConnectionString"/>.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The table of silo membership rows. Default: <see cref="DefaultClusteringTableName"/>.</summary>
    public string ClusteringTableName { get; set; } = DefaultClusteringTableName;

    /// <summary>The table of reminder rows. Default: <see cref="DefaultRemindersTableName"/>.</summary>
    public string RemindersTableName { get; set; } = DefaultRemindersTableName;

    /// <summary>
    /// The blob container that holds one blob per grain state; created on start when missing.
    /// Default: <see cref="DefaultGrainStateContainerName"/>.
    /// </summary>
    public string GrainStateContainerName { get; set; } = DefaultGrainStateContainerName;
}
