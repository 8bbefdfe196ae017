using System.Diagnostics;
using System.Text.Json;
using Kms.Tests.Shared;

namespace Kms.Cluster.Tests;

/// <summary>
/// Three <c>kms-silo</c> processes on a private PostgreSQL, started once by <c>infra/local/cluster.sh up</c> for the
/// fault tests, with a dev-evidence workload set up in namespace <c>faults</c>. Each test first brings the cluster
/// back to health, so the tests do not depend on their order.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FaultCluster : IAsyncLifetime
{
    /// <summary>How long one HTTP call may take before the load counts the silo as not answering.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    private LocalClusterScript? _script;
    private ClusterWorkload? _workload;

    internal LocalClusterScript Script => _script ?? throw new InvalidOperationException("The cluster did not start.");

    internal ClusterWorkload Workload => _workload ?? throw new InvalidOperationException("The cluster did not start.");

    /// <summary>The key the workload was released first; every later release must equal it.</summary>
    internal byte[] ReferenceKey { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (!PostgresServer.IsCi && PostgresServer.BinDirectory is null)
        {
            return; // the tests are skipped
        }

        _script = await LocalClusterScript.UpAsync("postgres");
        _workload = new ClusterWorkload(_script.ApiAddresses, _script.DevEvidenceKeyFile, _script.AdminKeyFile, "faults", RequestTimeout);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _workload.SetUpAsync(0, timeout.Token);
        (CallResult result, byte[]? key) = await _workload.ReleaseAsync(1, timeout.Token);
        ReferenceKey = key ?? throw new InvalidOperationException($"The first release failed: {result}\n{_script.AllLogs()}");
    }

    /// <summary>Starts the store and every silo that is not running, and waits until the committee is all live.</summary>
    internal async Task EnsureHealthyAsync()
    {
        ScriptResult store = await Script.RunAsync(TimeSpan.FromSeconds(90), "start-store");
        Assert.True(store.ExitCode == 0, store.Output);
        // A silo a failed test left frozen runs again (and stops by itself if it was declared dead meanwhile).
        foreach (string silo in Script.SiloNames)
        {
            if (Script.Pid(silo) is { } pid && LocalClusterScript.IsRunning(pid))
            {
                await Script.SignalAsync(silo, "CONT");
            }
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (string silo in Script.SiloNames)
            {
                if (Script.Pid(silo) is not { } pid || !LocalClusterScript.IsRunning(pid))
                {
                    ScriptResult started = await Script.RunAsync(TimeSpan.FromMinutes(3), "start-silo", silo);
                    Assert.True(started.ExitCode == 0, started.Output + Script.AllLogs());
                }
            }

            try
            {
                await WaitForStatusAsync(status => status.GetProperty("unavailableMembers").GetArrayLength() == 0, TimeSpan.FromSeconds(10), "every member live");
                return;
            }
            catch (TimeoutException) when (clock.Elapsed < TimeSpan.FromSeconds(120))
            {
                // a thawed silo may still be on its way out: restart what stopped and look again
            }
        }
    }

    /// <summary>Polls <c>GET /v1/cluster</c> on any answering silo until <paramref name="condition"/> holds; returns the time it took.</summary>
    internal async Task<TimeSpan> WaitForStatusAsync(Func<JsonElement, bool> condition, TimeSpan limit, string what, int? through = null)
    {
        var clock = Stopwatch.StartNew();
        string last = "no answer";
        while (clock.Elapsed < limit)
        {
            foreach (int silo in through is { } only ? [only] : Enumerable.Range(0, Script.SiloNames.Count))
            {
                if (await Workload.GetAsync(silo, "/v1/cluster", CancellationToken.None) is (200, string body))
                {
                    last = body;
                    if (condition(JsonDocument.Parse(body).RootElement))
                    {
                        return clock.Elapsed;
                    }

                    break;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The cluster status did not show {what} within {limit}: {last}\n{Script.AllLogs()}");
    }

    internal static bool Unavailable(JsonElement status, string silo) =>
        status.GetProperty("unavailableMembers").EnumerateArray().Any(member => member.GetString() == silo);

    public async Task DisposeAsync()
    {
        _workload?.Dispose();
        if (_script is not null)
        {
            await _script.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FaultClusterCollection : ICollectionFixture<FaultCluster>
{
    public const string Name = "fault-cluster";
}
