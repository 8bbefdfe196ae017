using Kms.Client.Cluster.Azure;
using Kms.Silo.Providers.Postgres;

namespace Kms.Silo;

/// <summary>The store that holds grain state and cluster membership (section <c>Silo:Store</c>).</summary>
public sealed class SiloStoreOptions
{
    /// <summary>
    /// <see cref="SiloStoreProvider.Files"/> (embedded default: one silo, files under the data directory),
    /// <see cref="SiloStoreProvider.AzureStorage"/> (Azure Table membership + Azure Blob state, for silos on Azure) or
    /// <see cref="SiloStoreProvider.Postgres"/> (PostgreSQL membership, state and reminders). Default: Files.
    /// </summary>
    public SiloStoreProvider Provider { get; set; } = SiloStoreProvider.Files;

    /// <summary>The PostgreSQL store (section <c>Silo:Store:Postgres</c>), used when <see cref="Provider"/> is
    /// <see cref="SiloStoreProvider.Postgres"/>. Its grain storage name is set by the silo.</summary>
    public PostgresStoreOptions Postgres { get; set; } = new();

    /// <summary>The Azure Storage account (section <c>Silo:Store:Azure</c>), used when <see cref="Provider"/> is
    /// <see cref="SiloStoreProvider.AzureStorage"/>: Table membership and reminders, Blob grain state.</summary>
    public AzureStoreOptions Azure { get; set; } = new();
}

/// <summary>The stores a silo can keep its state and membership in.</summary>
public enum SiloStoreProvider
{
    /// <summary>One silo; state in files under the data directory, membership in memory.</summary>
    Files,

    /// <summary>Azure Table Storage for membership and reminders, Azure Blob Storage for grain state.</summary>
    AzureStorage,

    /// <summary>PostgreSQL for membership, grain state and reminders.</summary>
    Postgres,
}
