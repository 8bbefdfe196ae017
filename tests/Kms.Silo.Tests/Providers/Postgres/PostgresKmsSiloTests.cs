using System.Net;
using System.Text;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary><c>kms-silo</c> with <c>--store Postgres</c>: schema, readiness, and only sealed state in the database.</summary>
[Collection(PostgresCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresKmsSiloTests(PostgresServer server) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [RequiresPostgresFact]
    public async Task ASiloOnPostgres_IsReady_AndTheDatabaseHoldsOnlySealedState()
    {
        (string database, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        using var certificates = new TestClusterCertificates(_directory.Combine("tls"));
        string[] args =
        [
            .. ProductionSiloArguments.Create(_directory.Path, certificates, "pg-cluster", "pg-silo-1"),
            "--store", "Postgres", "--postgres", connectionString,
        ];
        const string Secret = "a-secret-that-must-never-reach-postgres";

        await using (InProcessSilo silo = await InProcessSilo.StartAsync(args, workingDirectory: _directory.Path))
        {
            using HttpResponseMessage ready = await silo.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            ILedgerGrain ledger = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("pg-ledger");
            Assert.Equal(1, await ledger.AppendAsync(Secret));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string dump = Encoding.UTF8.GetString(await server.DumpDatabaseAsync(database, timeout.Token));
        Assert.Contains("OrleansStorage", dump, StringComparison.OrdinalIgnoreCase);
        foreach (string form in StoredForms.Of(Encoding.UTF8.GetBytes(Secret)))
        {
            Assert.DoesNotContain(form, dump, StringComparison.OrdinalIgnoreCase);
        }

        // A new process with the same storage key reads the state back from the database.
        await using InProcessSilo again = await InProcessSilo.StartAsync(args, workingDirectory: _directory.Path);
        ILedgerGrain reread = again.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ILedgerGrain>("pg-ledger");
        Assert.Equal([Secret], await reread.GetEntriesAsync());
    }

    [RequiresPostgresFact]
    public async Task DbInit_AppliesTheSchema_AndIsIdempotent()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        string[] args = ["db", "init", "--store", "Postgres", "--postgres", connectionString];

        (int first, string firstOutput, _) = await RunAsync(args);
        (int second, string secondOutput, _) = await RunAsync(args);

        Assert.Equal(KmsSiloProgram.ExitOk, first);
        Assert.Matches(@"schema at version \d+ \([1-9]\d* version\(s\) applied now\)", firstOutput);
        Assert.Equal(KmsSiloProgram.ExitOk, second);
        Assert.Contains("(0 version(s) applied now)", secondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbInit_WithoutThePostgresStore_RefusesWithExitCode2()
    {
        (int exitCode, _, string error) = await RunAsync(["db", "init"]);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("--store Postgres", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbInit_WithAMalformedConnectionString_DoesNotEchoIt()
    {
        const string Password = "hunter2-do-not-echo";
        (int exitCode, _, string error) = await RunAsync(
            ["db", "init", "--store", "Postgres", "--postgres", $"Host=127.0.0.1;Password={Password};Bogus Key=1"]);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("malformed", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await KmsSiloProgram.RunAsync(
            new SiloLaunchContext(args, new Dictionary<string, string>(), _directory.Path, _directory.Path),
            output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }
}
