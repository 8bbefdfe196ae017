using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Kms.Silo.Providers.Postgres;

/// <summary>Configures a silo's clustering, grain storage and reminders on PostgreSQL.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql, under which the providers find its factory.</summary>
    internal const string Invariant = "Npgsql";

    /// <summary>
    /// Uses PostgreSQL for Orleans membership (ADO.NET clustering), for grain storage under
    /// <see cref="PostgresStoreOptions.GrainStorageName"/> and, when <see cref="PostgresStoreOptions.UseReminders"/>,
    /// for reminders. The schema is applied (or, with <see cref="PostgresStoreOptions.ApplySchemaOnStart"/> false,
    /// checked) by a silo lifecycle participant at <see cref="ServiceLifecycleStage.First"/>, before any provider
    /// reads its queries: a silo whose schema step fails does not start.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the options; they are read and validated once, here.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static ISiloBuilder UseKmsPostgres(this ISiloBuilder builder, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStoreOptions();
        configure(options);
        options.Validate();
        string connectionString = options.ToProviderConnectionString();

        builder.UseAdoNetClustering((AdoNetClusteringSiloOptions clustering) =>
        {
            clustering.Invariant = Invariant;
            clustering.ConnectionString = connectionString;
        });
        builder.AddAdoNetGrainStorage(options.GrainStorageName, (AdoNetGrainStorageOptions storage) =>
        {
            storage.Invariant = Invariant;
            storage.ConnectionString = connectionString;
        });
        if (options.UseReminders)
        {
            builder.UseAdoNetReminderService((AdoNetReminderTableOptions reminders) =>
            {
                reminders.Invariant = Invariant;
                reminders.ConnectionString = connectionString;
            });
        }

        builder.Services.AddSingleton(serviceProvider => new PostgresSchemaMigrator(
            connectionString, options.SchemaTimeout, serviceProvider.GetRequiredService<ILogger<PostgresSchemaMigrator>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(serviceProvider =>
            new PostgresSchemaStartup(serviceProvider.GetRequiredService<PostgresSchemaMigrator>(), options.ApplySchemaOnStart));
        return builder;
    }
}

/// <summary>Applies or checks the PostgreSQL schema as the silo's first lifecycle step.</summary>
internal sealed class PostgresSchemaStartup(PostgresSchemaMigrator migrator, bool applySchema) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgresSchemaStartup), ServiceLifecycleStage.First, OnStartAsync);

    private Task OnStartAsync(CancellationToken cancellationToken) =>
        applySchema ? migrator.MigrateAsync(cancellationToken) : migrator.EnsureCurrentAsync(cancellationToken);
}
