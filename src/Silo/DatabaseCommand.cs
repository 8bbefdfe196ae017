using Kms.Silo.Providers.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Silo;

/// <summary><c>kms-silo db init</c>: applies the PostgreSQL schema of this build, then exits.</summary>
/// <remarks>For operators who run silos with <c>ApplySchemaOnStart = false</c>, so that the silos' database user
/// needs no right to create tables. Reads the same configuration sources and options as a silo start.</remarks>
internal static class DatabaseCommand
{
    public const string Usage = "Usage: kms-silo db init [--store Postgres] [--postgres <connection string>] [--config <file>]";

    public static bool Handles(IReadOnlyList<string> args) => args.Count > 0 && args[0] == "db";

    public static async Task<int> RunAsync(
        SiloLaunchContext launch, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (launch.Args.Count < 2 || launch.Args[1] != "init")
        {
            await error.WriteLineAsync("kms-silo: unknown db command. " + Usage);
            return KmsSiloProgram.ExitUsage;
        }

        PostgresStoreOptions postgres;
        try
        {
            SiloCommandLine commandLine = SiloCommandLine.Parse(launch.Args.Skip(2).ToArray());
            IConfiguration configuration = new ConfigurationBuilder().AddKmsSiloSources(launch, commandLine).Build();
            var options = new KmsSiloOptions();
            KmsSiloOptionsSetup.Bind(configuration, options);
            if (options.Store.Provider != SiloStoreProvider.Postgres)
            {
                throw new SiloStartupException(
                    "db init applies the PostgreSQL schema: set Silo:Store:Provider to Postgres (--store Postgres).");
            }

            postgres = options.Store.Postgres;
            postgres.Validate();
        }
        catch (Exception exception) when (exception is SiloStartupException or ArgumentException)
        {
            await error.WriteLineAsync("kms-silo: cannot run db init: " + exception.Message.Split(" (Parameter", 2)[0]);
            return KmsSiloProgram.ExitUsage;
        }

        var migrator = new PostgresSchemaMigrator(
            postgres.ToProviderConnectionString(), postgres.SchemaTimeout, NullLogger<PostgresSchemaMigrator>.Instance);
        try
        {
            int applied = await migrator.MigrateAsync(cancellationToken);
            await output.WriteLineAsync(
                $"kms-silo: PostgreSQL schema at version {migrator.LatestVersion} ({applied} version(s) applied now).");
            return KmsSiloProgram.ExitOk;
        }
        catch (Exception exception) when (exception is PostgresSchemaException or Npgsql.NpgsqlException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Npgsql's messages name the host and the failure, never the password.
            await error.WriteLineAsync("kms-silo: db init failed: " + exception.Message);
            return KmsSiloProgram.ExitFailure;
        }
    }
}
