using System.Data;
using Kms.Silo.Providers.Postgres;
using Kms.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>
/// The stored OrleansQuery texts run the way the ADO.NET providers run them: parameters bound by name with the
/// providers' DbTypes (strings as String, addresses and grain ids as AnsiString, times as DateTime).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresQueryContractTests(PostgresServer server)
{
    private const string Cluster = "contract-cluster";
    private static readonly DateTime s_start = new(2026, 12, 2, 8, 30, 15, 123, DateTimeKind.Utc);

    [RequiresPostgresFact]
    public async Task MembershipWrites_AreCheckedAgainstTheTableVersion()
    {
        await using NpgsqlConnection connection = await OpenMigratedAsync();

        Assert.True(await ScalarAsync<bool>(connection, "InsertMembershipVersionKey", ("DeploymentId", Cluster, DbType.String)));
        Assert.False(await ScalarAsync<bool>(connection, "InsertMembershipVersionKey", ("DeploymentId", Cluster, DbType.String)));
        Assert.Equal(0, await TableVersionAsync(connection));

        Assert.True(await InsertSiloAsync(connection, generation: 1, version: 0));
        Assert.Equal(1, await TableVersionAsync(connection));
        Assert.False(await InsertSiloAsync(connection, generation: 2, version: 0));
        Assert.False(await InsertSiloAsync(connection, generation: 1, version: 1));
        Assert.Equal(1, await TableVersionAsync(connection));

        Assert.False(await UpdateSiloAsync(connection, generation: 1, status: 6, version: 0));
        Assert.False(await UpdateSiloAsync(connection, generation: 99, status: 6, version: 1));
        Assert.Equal(1, await TableVersionAsync(connection));
        Assert.True(await UpdateSiloAsync(connection, generation: 1, status: 6, version: 1));
        Assert.Equal(2, await TableVersionAsync(connection));

        await using NpgsqlDataReader row = await ReadAsync(connection, "MembershipReadAllKey", ("DeploymentId", Cluster, DbType.String));
        Assert.True(await row.ReadAsync());
        Assert.Equal(2, row.GetInt32(row.GetOrdinal("Version")));
        Assert.Equal(6, row.GetInt32(row.GetOrdinal("Status")));
        Assert.Equal("127.0.0.1", row.GetString(row.GetOrdinal("Address")));
        Assert.Equal(s_start, row.GetDateTime(row.GetOrdinal("StartTime")));
        Assert.Equal(DateTimeKind.Utc, row.GetDateTime(row.GetOrdinal("IAmAliveTime")).Kind);
        Assert.Equal("suspect-list", row.GetString(row.GetOrdinal("SuspectTimes")));
        Assert.False(await row.ReadAsync());
    }

    [RequiresPostgresFact]
    public async Task MembershipReadRow_OfAnUnknownSilo_StillReturnsTheTableVersion()
    {
        await using NpgsqlConnection connection = await OpenMigratedAsync();
        await ScalarAsync<bool>(connection, "InsertMembershipVersionKey", ("DeploymentId", Cluster, DbType.String));

        await using NpgsqlDataReader row = await ReadAsync(connection, "MembershipReadRowKey",
            ("DeploymentId", Cluster, DbType.String), ("Address", "127.0.0.1", DbType.AnsiString), ("Port", 11111, DbType.Int32),
            ("Generation", 7, DbType.Int32));

        Assert.True(await row.ReadAsync());
        Assert.Equal(0, row.GetInt32(row.GetOrdinal("Version")));
        Assert.True(row.IsDBNull(row.GetOrdinal("StartTime")));
        Assert.False(await row.ReadAsync());
    }

    [RequiresPostgresFact]
    public async Task ReminderUpsertAndDelete_AreVersionChecked_AndRangesWrap()
    {
        await using NpgsqlConnection connection = await OpenMigratedAsync();

        Assert.Equal(0, await UpsertReminderAsync(connection, "low", grainHash: -5));
        Assert.Equal(1, await UpsertReminderAsync(connection, "low", grainHash: -5));
        Assert.Equal(0, await UpsertReminderAsync(connection, "high", grainHash: 1000));

        (string, object?, DbType)[] lowKey = [("ServiceId", "svc", DbType.String), ("GrainId", "grain/low", DbType.AnsiString), ("ReminderName", "r", DbType.String)];
        Assert.False(await ScalarAsync<bool>(connection, "DeleteReminderRowKey", [.. lowKey, ("Version", 0, DbType.Int32)]));
        Assert.True(await ScalarAsync<bool>(connection, "DeleteReminderRowKey", [.. lowKey, ("Version", 1, DbType.Int32)]));
        Assert.Equal(0, await UpsertReminderAsync(connection, "low", grainHash: -5));

        // (begin, end] in signed order, and the wrapping form that the provider picks when begin >= end.
        Assert.Equal(["grain/high"], await RangeAsync(connection, "ReadRangeRows1Key", begin: 0, end: 1000));
        Assert.Equal(["grain/low"], await RangeAsync(connection, "ReadRangeRows1Key", begin: -10, end: 999));
        Assert.Equal(["grain/high", "grain/low"], await RangeAsync(connection, "ReadRangeRows2Key", begin: 10, end: 10));
        Assert.Equal(["grain/low"], await RangeAsync(connection, "ReadRangeRows2Key", begin: 1000, end: -5));
    }

    [RequiresPostgresFact]
    public async Task StorageDelete_RemovesTheRowOnlyAtTheExpectedVersion()
    {
        await using NpgsqlConnection connection = await OpenMigratedAsync();
        Assert.Equal(1, await StorageAsync<int?>(connection, "WriteToStorageKey", version: null, payload: [7, 7]));
        Assert.Equal(2, await StorageAsync<int?>(connection, "WriteToStorageKey", version: 1, payload: [8, 8]));

        Assert.Null(await StorageAsync<int?>(connection, "DeleteStorageKey", version: 1));
        Assert.Equal(3, await StorageAsync<int?>(connection, "DeleteStorageKey", version: 2));
        Assert.Null(await StorageAsync<int?>(connection, "DeleteStorageKey", version: 2));

        await using var count = new NpgsqlCommand("SELECT count(*) FROM orleansstorage", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
        Assert.Equal(1, await StorageAsync<int?>(connection, "WriteToStorageKey", version: null, payload: [9]));
    }

    private static async Task<T> StorageAsync<T>(NpgsqlConnection connection, string queryKey, int? version, byte[]? payload = null)
    {
        List<(string, object?, DbType)> parameters =
        [
            ("GrainIdHash", 42, DbType.Int32), ("GrainIdN0", 0L, DbType.Int64), ("GrainIdN1", 0L, DbType.Int64),
            ("GrainTypeHash", 43, DbType.Int32), ("GrainTypeString", "type", DbType.String),
            ("GrainIdExtensionString", "key", DbType.String), ("ServiceId", "svc", DbType.String),
            ("GrainStateVersion", version, DbType.Int32),
        ];
        if (queryKey == "WriteToStorageKey")
        {
            parameters.Add(("PayloadBinary", payload, DbType.Binary));
        }

        object? result = await ScalarAsync<object>(connection, queryKey, [.. parameters]);
        return result is DBNull ? default! : (T)result;
    }

    private async Task<NpgsqlConnection> OpenMigratedAsync()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        string providerConnectionString = new PostgresStoreOptions { ConnectionString = connectionString }.ToProviderConnectionString();
        await new PostgresSchemaMigrator(providerConnectionString, TimeSpan.FromSeconds(60), NullLogger<PostgresSchemaMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
        var connection = new NpgsqlConnection(providerConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static Task<bool> InsertSiloAsync(NpgsqlConnection connection, int generation, int version) =>
        ScalarAsync<bool>(connection, "InsertMembershipKey",
            ("DeploymentId", Cluster, DbType.String), ("IAmAliveTime", s_start, DbType.DateTime), ("SiloName", "silo", DbType.String),
            ("HostName", "host", DbType.String), ("Address", "127.0.0.1", DbType.AnsiString), ("Port", 11111, DbType.Int32),
            ("Generation", generation, DbType.Int32), ("StartTime", s_start, DbType.DateTime), ("Status", 3, DbType.Int32),
            ("ProxyPort", 30000, DbType.Int32), ("Version", version, DbType.Int32));

    private static Task<bool> UpdateSiloAsync(NpgsqlConnection connection, int generation, int status, int version) =>
        ScalarAsync<bool>(connection, "UpdateMembershipKey",
            ("DeploymentId", Cluster, DbType.String), ("Address", "127.0.0.1", DbType.AnsiString), ("Port", 11111, DbType.Int32),
            ("Generation", generation, DbType.Int32), ("IAmAliveTime", s_start.AddSeconds(5), DbType.DateTime),
            ("Status", status, DbType.Int32), ("SuspectTimes", "suspect-list", DbType.String), ("Version", version, DbType.Int32));

    private static async Task<int> TableVersionAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM orleansmembershipversiontable WHERE deploymentid = @id", connection);
        command.Parameters.AddWithValue("id", Cluster);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static Task<int> UpsertReminderAsync(NpgsqlConnection connection, string grain, int grainHash) =>
        ScalarAsync<int>(connection, "UpsertReminderRowKey",
            ("ServiceId", "svc", DbType.String), ("GrainHash", grainHash, DbType.Int32), ("GrainId", "grain/" + grain, DbType.AnsiString),
            ("ReminderName", "r", DbType.String), ("StartTime", s_start, DbType.DateTime), ("Period", 60_000, DbType.Int32));

    private static async Task<List<string>> RangeAsync(NpgsqlConnection connection, string key, int begin, int end)
    {
        await using NpgsqlDataReader reader = await ReadAsync(connection, key,
            ("ServiceId", "svc", DbType.String), ("BeginHash", begin, DbType.Int32), ("EndHash", end, DbType.Int32));
        var grains = new List<string>();
        while (await reader.ReadAsync())
        {
            grains.Add(reader.GetString(reader.GetOrdinal("GrainId")));
            Assert.Equal(60_000L, reader.GetInt64(reader.GetOrdinal("Period")));
        }

        return [.. grains.Order(StringComparer.Ordinal)];
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string queryKey, params (string Name, object? Value, DbType Type)[] parameters)
    {
        await using NpgsqlCommand command = await CommandAsync(connection, queryKey, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlDataReader> ReadAsync(NpgsqlConnection connection, string queryKey, params (string Name, object? Value, DbType Type)[] parameters)
    {
        NpgsqlCommand command = await CommandAsync(connection, queryKey, parameters);
        return await command.ExecuteReaderAsync(CommandBehavior.Default);
    }

    private static async Task<NpgsqlCommand> CommandAsync(NpgsqlConnection connection, string queryKey, (string Name, object? Value, DbType Type)[] parameters)
    {
        await using var lookup = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        lookup.Parameters.AddWithValue("key", queryKey);
        string text = (string)(await lookup.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No query {queryKey}."));
        var command = new NpgsqlCommand(text, connection);
        foreach ((string name, object? value, DbType type) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { ParameterName = name, Value = value ?? DBNull.Value, DbType = type });
        }

        return command;
    }
}
