namespace Kms.Silo.Providers.Postgres;

/// <summary>
/// The PostgreSQL store of a silo: Orleans' ADO.NET clustering, grain storage and (optionally) reminders on one
/// database whose schema <see cref="PostgresSchemaMigrator"/> maintains. Used by
/// <see cref="PostgresSiloBuilderExtensions.UseKmsPostgres"/>.
/// </summary>
public sealed class PostgresStoreOptions
{
    /// <summary>The grain storage name Orleans uses when a grain names none ("Default").</summary>
    public const string DefaultGrainStorageName = "Default";

    /// <summary>
    /// Required. The Npgsql connection string of the database, e.g.
    /// <c>Host=db.internal;Port=5432;Database=kms;Username=kms;Password=…;SSL Mode=VerifyFull</c>. Its user must be
    /// able to create tables and functions when <see cref="ApplySchemaOnStart"/> is true. The session time zone is
    /// always set to UTC (the providers exchange UTC timestamps). Default: empty (invalid).
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Whether the silo applies pending schema versions before Orleans starts (under an advisory lock, so silos that
    /// start together are safe). When false, the silo only checks that the schema is current and refuses to start
    /// otherwise; apply it beforehand with <c>kms-silo db init</c>. Default: true.
    /// </summary>
    public bool ApplySchemaOnStart { get; set; } = true;

    /// <summary>
    /// The name under which the ADO.NET grain storage is registered (<c>[PersistentState("x", "name")]</c>).
    /// Default: <see cref="DefaultGrainStorageName"/>, the storage of grains that name none.
    /// </summary>
    public string GrainStorageName { get; set; } = DefaultGrainStorageName;

    /// <summary>Whether Orleans' reminder service is backed by this database. Default: true.</summary>
    public bool UseReminders { get; set; } = true;

    /// <summary>How long applying (or checking) the schema on start may take, lock wait included. Default: 2 minutes.</summary>
    public TimeSpan SchemaTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws when an option is missing or malformed; the message never contains the connection string.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string is required.", nameof(ConnectionString));
        }

        _ = ToProviderConnectionString();
        if (string.IsNullOrWhiteSpace(GrainStorageName))
        {
            throw new ArgumentException("The PostgreSQL grain storage name must not be empty.", nameof(GrainStorageName));
        }

        if (SchemaTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The PostgreSQL schema timeout must be positive.", nameof(SchemaTimeout));
        }
    }

    /// <summary>The connection string handed to the providers and the migrator: the configured one, in UTC.</summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    internal string ToProviderConnectionString()
    {
        try
        {
            return Kms.Client.Cluster.PostgresConnectionString.ForProviders(ConnectionString);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException("The PostgreSQL connection string is malformed.", nameof(ConnectionString));
        }
    }
}
