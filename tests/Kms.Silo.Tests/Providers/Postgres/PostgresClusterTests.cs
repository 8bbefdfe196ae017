using Kms.Tests.Shared;
using Orleans;
using Orleans.Runtime;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>Silos in this process that find each other, fail over and keep reminders through PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresServer server)
{
    private const int ActiveStatus = 3;
    private const int DeadStatus = 6;
    private static readonly TimeSpan s_waitLimit = TimeSpan.FromSeconds(30);

    [RequiresPostgresFact]
    public async Task TwoSilos_FormOneCluster_AndACallReachesAGrainOnTheOtherSilo()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        await using PostgresTestSilo first = await PostgresTestSilo.StartAsync(connectionString, "silo-a");
        await using PostgresTestSilo second = await PostgresTestSilo.StartAsync(connectionString, "silo-b");

        await WaitForActiveHostsAsync(first, 2);
        await WaitForActiveHostsAsync(second, 2);
        Assert.Equal(2L, await CountRowsAsync(connectionString, ActiveStatus));

        // Preferred-local placement: the grain activates on the silo that calls it first.
        string onSecond = await second.GrainFactory.GetGrain<IPostgresProbeGrain>("lives-on-b").GetSiloIdentityAsync();
        string onFirst = await first.GrainFactory.GetGrain<IPostgresProbeGrain>("lives-on-a").GetSiloIdentityAsync();
        string fromFirst = await first.GrainFactory.GetGrain<IPostgresProbeGrain>("lives-on-b").GetSiloIdentityAsync();

        Assert.NotEqual(onFirst, onSecond);
        Assert.Equal(onSecond, fromFirst);
    }

    [RequiresPostgresFact]
    public async Task AStoppedSilo_IsMarkedDeadInTheMembershipTable()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        await using PostgresTestSilo staying = await PostgresTestSilo.StartAsync(connectionString, "silo-staying");
        await using PostgresTestSilo leaving = await PostgresTestSilo.StartAsync(connectionString, "silo-leaving");
        await WaitForActiveHostsAsync(staying, 2);

        await leaving.StopAsync();

        Assert.Equal(DeadStatus, await StatusOfAsync(connectionString, leaving.SiloPort));
        Assert.Equal(ActiveStatus, await StatusOfAsync(connectionString, staying.SiloPort));
        await WaitForActiveHostsAsync(staying, 1);
    }

    [RequiresPostgresFact]
    public async Task AReminderRegisteredThroughTheAdoNetReminderService_Fires()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        await using PostgresTestSilo silo = await PostgresTestSilo.StartAsync(connectionString, "silo-reminders");
        string key = "reminder-" + Guid.NewGuid().ToString("N");
        TaskCompletionSource<string> tick = PostgresReminderGrain.TickFor(key);

        await silo.GrainFactory.GetGrain<IPostgresReminderGrain>(key).RegisterAsync("pg-tick", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        Assert.Equal(1L, await PostgresSchemaMigratorTests.ScalarAsync<long>(connectionString,
            $"SELECT count(*) FROM orleansreminderstable WHERE remindername = 'pg-tick' AND grainid LIKE '%{key}'"));
        Assert.Equal("pg-tick", await tick.Task.WaitAsync(s_waitLimit));
    }

    [RequiresPostgresFact]
    public async Task ASiloThatMayNotApplyTheSchema_RefusesToStartOnAnEmptyDatabase()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            PostgresTestSilo.StartAsync(connectionString, "silo-no-schema", options => options.ApplySchemaOnStart = false));

        Assert.Contains("kms-silo db init", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(0L, await PostgresSchemaMigratorTests.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    private static async Task WaitForActiveHostsAsync(PostgresTestSilo silo, int expected)
    {
        IManagementGrain management = silo.GrainFactory.GetGrain<IManagementGrain>(0);
        using var timeout = new CancellationTokenSource(s_waitLimit);
        while (true)
        {
            Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true);
            if (hosts.Count == expected)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
        }
    }

    private static Task<long> CountRowsAsync(string connectionString, int status) =>
        PostgresSchemaMigratorTests.ScalarAsync<long>(connectionString,
            $"SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '{PostgresTestSilo.ClusterId}' AND status = {status}");

    private static Task<int> StatusOfAsync(string connectionString, int siloPort) =>
        PostgresSchemaMigratorTests.ScalarAsync<int>(connectionString,
            $"SELECT status FROM orleansmembershiptable WHERE deploymentid = '{PostgresTestSilo.ClusterId}' AND port = {siloPort}");
}
