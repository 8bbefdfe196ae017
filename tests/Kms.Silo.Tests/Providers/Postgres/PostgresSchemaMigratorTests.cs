using Kms.Silo.Providers.Postgres;
using Kms.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kms.Silo.Tests.Providers.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaMigratorTests(PostgresServer server)
{
    /// <summary>Every query key the three ADO.NET providers 10.4.2 load (read from their assemblies).</summary>
    public static readonly string[] ProviderQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [RequiresPostgresFact]
    public async Task MigrateAsync_OnAnEmptyDatabase_AppliesEachVersionOnceWithEveryProviderQuery()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        PostgresSchemaMigrator migrator = CreateMigrator(connectionString);

        int applied = await migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(migrator.LatestVersion, applied);
        Assert.Equal(Enumerable.Range(1, migrator.LatestVersion), await AppliedVersionsAsync(connectionString));
        List<string> keys = await QueryKeysAsync(connectionString);
        Assert.Equal(ProviderQueryKeys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Equal(migrator.LatestVersion, await migrator.GetVersionAsync(CancellationToken.None));
    }

    [RequiresPostgresFact]
    public async Task MigrateAsync_Again_ChangesNothing()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        PostgresSchemaMigrator migrator = CreateMigrator(connectionString);
        await migrator.MigrateAsync(CancellationToken.None);

        int second = await migrator.MigrateAsync(CancellationToken.None);
        int third = await CreateMigrator(connectionString).MigrateAsync(CancellationToken.None);

        Assert.Equal(0, second);
        Assert.Equal(0, third);
        Assert.Equal(Enumerable.Range(1, migrator.LatestVersion), await AppliedVersionsAsync(connectionString));
        Assert.Equal(ProviderQueryKeys.Length, (await QueryKeysAsync(connectionString)).Count);
    }

    [RequiresPostgresFact]
    public async Task ThreeMigratorsStartingTogether_ApplyTheSchemaExactlyOnce()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        PostgresSchemaMigrator[] migrators = [.. Enumerable.Range(0, 3).Select(_ => CreateMigrator(connectionString))];

        int[] applied = await Task.WhenAll(migrators.Select(migrator => Task.Run(() => migrator.MigrateAsync(CancellationToken.None))));

        Assert.Equal(migrators[0].LatestVersion, applied.Sum());
        Assert.Equal(2, applied.Count(count => count == 0));
        Assert.Equal(Enumerable.Range(1, migrators[0].LatestVersion), await AppliedVersionsAsync(connectionString));
    }

    [RequiresPostgresFact]
    public async Task MigrateAsync_OnANewerSchema_RefusesWithAClearError()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        PostgresSchemaMigrator migrator = CreateMigrator(connectionString);
        await migrator.MigrateAsync(CancellationToken.None);
        int newer = migrator.LatestVersion + 1;
        await ExecuteAsync(connectionString, $"INSERT INTO {PostgresSchemaMigrator.MigrationsTable} (version, name) VALUES ({newer}, '{newer:D4}_future.sql')");

        var migrate = await Assert.ThrowsAsync<PostgresSchemaException>(() => migrator.MigrateAsync(CancellationToken.None));
        var check = await Assert.ThrowsAsync<PostgresSchemaException>(() => migrator.EnsureCurrentAsync(CancellationToken.None));

        Assert.Contains($"schema version {newer}, newer than version {migrator.LatestVersion}", migrate.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade kms-silo", check.Message, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task EnsureCurrentAsync_RefusesAMissingSchemaAndAcceptsAnAppliedOne()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        PostgresSchemaMigrator migrator = CreateMigrator(connectionString);

        var missing = await Assert.ThrowsAsync<PostgresSchemaException>(() => migrator.EnsureCurrentAsync(CancellationToken.None));
        Assert.Contains("kms-silo db init", missing.Message, StringComparison.Ordinal);
        Assert.Equal(0, await migrator.GetVersionAsync(CancellationToken.None));

        await migrator.MigrateAsync(CancellationToken.None);
        await migrator.EnsureCurrentAsync(CancellationToken.None);
    }

    [RequiresPostgresFact]
    public async Task MigrateAsync_WhenAScriptFails_LeavesTheDatabaseAtThePreviousVersion()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        IReadOnlyList<PostgresSchemaScript> embedded = PostgresSchemaScript.LoadEmbedded();
        PostgresSchemaScript[] scripts =
        [
            .. embedded,
            new PostgresSchemaScript(embedded.Count + 1, "broken", "CREATE TABLE half_done (id integer); SELECT no_such_function();"),
        ];
        var migrator = new PostgresSchemaMigrator(connectionString, scripts, s_timeout, NullLogger.Instance);

        await Assert.ThrowsAsync<PostgresException>(() => migrator.MigrateAsync(CancellationToken.None));

        // One transaction for all pending versions: the good first version is rolled back with the broken one.
        Assert.Empty(await AppliedVersionsAsync(connectionString));
        Assert.False(await ScalarAsync<bool>(connectionString, "SELECT to_regclass('half_done') IS NOT NULL"));
        Assert.False(await ScalarAsync<bool>(connectionString, "SELECT to_regclass('orleansquery') IS NOT NULL"));
    }

    [RequiresPostgresFact]
    public async Task MigrateAsync_WhenCancelled_Throws()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateMigrator(connectionString).MigrateAsync(cancelled.Token));
        Assert.Equal(0, await CreateMigrator(connectionString).GetVersionAsync(CancellationToken.None));
    }

    private static PostgresSchemaMigrator CreateMigrator(string connectionString) =>
        new(connectionString, s_timeout, NullLogger<PostgresSchemaMigrator>.Instance);

    internal static async Task<List<int>> AppliedVersionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT version FROM {PostgresSchemaMigrator.MigrationsTable} WHERE to_regclass('{PostgresSchemaMigrator.MigrationsTable}') IS NOT NULL ORDER BY version",
            connection);
        var versions = new List<int>();
        try
        {
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                versions.Add(reader.GetInt32(0));
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No migrations table: nothing was ever applied.
        }

        return versions;
    }

    private static async Task<List<string>> QueryKeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
