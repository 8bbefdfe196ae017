using Kms.Tests.Shared;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>
/// One PostgreSQL server for every test class that talks to it; the classes run one after another, which keeps
/// silo timings steady on a small machine. Each test works in a database of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";

    /// <summary>A fresh, empty database on <paramref name="server"/>; returns its name and connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(PostgresServer server)
    {
        string name = "t" + Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return (name, await server.CreateDatabaseAsync(name, timeout.Token));
    }
}
