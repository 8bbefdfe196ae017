using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kms.Silo.Providers.Postgres;

/// <summary>
/// Brings a PostgreSQL database to the schema version that this build's Orleans ADO.NET providers need: applies the
/// embedded <c>Schema/NNNN_*.sql</c> scripts that the database has not seen, in order, in one transaction, and records
/// each in <c>kms_schema_migrations</c>. An advisory lock held for the transaction makes silos that start together
/// apply each version once; the others wait and find nothing left to do.
/// </summary>
internal sealed partial class PostgresSchemaMigrator
{
    /// <summary>The key of the transaction-scoped advisory lock every Orleans.Kms migrator takes ("KMSPGSCH").</summary>
    internal const long AdvisoryLockKey = 0x4B4D_5350_4753_4348;

    /// <summary>The table that records applied versions.</summary>
    internal const string MigrationsTable = "kms_schema_migrations";

    private readonly string _connectionString;
    private readonly IReadOnlyList<PostgresSchemaScript> _scripts;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    /// <summary>Creates a migrator for the embedded scripts.</summary>
    /// <param name="connectionString">An Npgsql connection string whose user may create tables and functions.</param>
    /// <param name="timeout">How long one migration (waiting for the lock included) may take.</param>
    /// <param name="logger">Receives one line per applied version; never the connection string.</param>
    public PostgresSchemaMigrator(string connectionString, TimeSpan timeout, ILogger<PostgresSchemaMigrator> logger)
        : this(connectionString, PostgresSchemaScript.LoadEmbedded(), timeout, logger)
    {
    }

    internal PostgresSchemaMigrator(string connectionString, IReadOnlyList<PostgresSchemaScript> scripts, TimeSpan timeout, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        if (scripts.Count == 0)
        {
            throw new ArgumentException("At least one schema script is required.", nameof(scripts));
        }

        _connectionString = connectionString;
        _scripts = scripts;
        _timeout = timeout;
        _logger = logger;
    }

    /// <summary>The schema version this build brings a database to.</summary>
    public int LatestVersion => _scripts[^1].Version;

    /// <summary>Applies every pending version; does nothing on a database that is up to date.</summary>
    /// <returns>How many versions were applied (0 when the database was already current).</returns>
    /// <exception cref="PostgresSchemaException">The database has a newer schema than this build knows.</exception>
    /// <exception cref="OperationCanceledException">Cancelled, or the migration did not finish within the timeout.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        CancellationToken token = timeout.Token;

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(token).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);

        // Released by COMMIT or ROLLBACK: a migrator that dies mid-way never leaves the lock behind.
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", token, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {MigrationsTable} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            token).ConfigureAwait(false);

        int current = await ReadVersionAsync(connection, transaction, token).ConfigureAwait(false);
        ThrowIfNewer(current);

        int applied = 0;
        foreach (PostgresSchemaScript script in _scripts.Where(s => s.Version > current))
        {
            LogApplying(_logger, script.Version, script.Name);
            await ExecuteAsync(connection, transaction, script.Sql, token).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"INSERT INTO {MigrationsTable} (version, name) VALUES (@version, @name)", token,
                ("version", script.Version), ("name", script.Name)).ConfigureAwait(false);
            applied++;
        }

        await transaction.CommitAsync(token).ConfigureAwait(false);
        if (applied == 0)
        {
            LogUpToDate(_logger, current);
        }
        else
        {
            LogMigrated(_logger, current, LatestVersion);
        }

        return applied;
    }

    /// <summary>The database's schema version: 0 when no Orleans.Kms schema was ever applied.</summary>
    public async Task<int> GetVersionAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("table", MigrationsTable);
        if (!(bool)(await exists.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false))!)
        {
            return 0;
        }

        return await ReadVersionAsync(connection, transaction: null, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Checks, without changing anything, that the database is at <see cref="LatestVersion"/>.</summary>
    /// <exception cref="PostgresSchemaException">The schema is missing, older or newer.</exception>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        int current = await GetVersionAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfNewer(current);
        if (current < LatestVersion)
        {
            throw new PostgresSchemaException(
                $"The PostgreSQL database is at schema version {current}; this kms-silo needs version {LatestVersion}. " +
                "Run `kms-silo db init` (or enable applying the schema on start).");
        }
    }

    private void ThrowIfNewer(int current)
    {
        if (current > LatestVersion)
        {
            throw new PostgresSchemaException(
                $"The PostgreSQL database is at schema version {current}, newer than version {LatestVersion} that this kms-silo knows. " +
                "Upgrade kms-silo; an older silo must not run against a newer schema.");
        }
    }

    private static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {MigrationsTable}", connection, transaction);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        // The timeout is the caller's token: no per-command limit that a slow lock wait would trip first.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Applying PostgreSQL schema version {Version} ({Script})")]
    private static partial void LogApplying(ILogger logger, int version, string script);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "PostgreSQL schema migrated from version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, int from, int to);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "PostgreSQL schema is up to date at version {Version}")]
    private static partial void LogUpToDate(ILogger logger, int version);
}

/// <summary>The PostgreSQL schema cannot be used by this build: missing, too old, or newer than it knows.</summary>
public sealed class PostgresSchemaException(string message) : Exception(message);
