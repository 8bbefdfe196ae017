using System.Diagnostics;
using System.Globalization;
using Kms.Benchmarks.Release;
using Kms.Tests.Shared;

namespace Kms.Benchmarks.Cluster;

/// <summary>
/// <c>cluster-load [workers] [seconds] --state-dir &lt;dir&gt; [--warmup s] [--writes n] [--kill silo-N --kill-at s]</c>:
/// a closed-loop load of the /v1 key release (challenge + dev evidence + release + HPKE open) against a cluster that
/// <c>infra/local/cluster.sh up</c> started (3 silos, or <c>--silos 1</c> for the one-silo baseline), every request
/// through the next silo in turn, a silo that does not answer taken out of the rotation until its /readyz is 200.
/// Reports requests/s and latency percentiles of the successful releases, errors by status, and with <c>--kill</c> the
/// failover: how long after a kill -9 calls kept failing, and how many failed.
/// </summary>
internal static class ClusterLoadBenchmark
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "cluster-load";

    public static async Task<int> RunAsync(string[] args)
    {
        BenchArguments arguments;
        try
        {
            arguments = new BenchArguments(args[1..]);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }

        int workers = arguments.Number(0, 16);
        TimeSpan duration = TimeSpan.FromSeconds(arguments.Number(1, 10));
        TimeSpan warmup = TimeSpan.FromSeconds(arguments.Number("--warmup", 2));
        int writeEvery = arguments.Number("--writes", 0);
        string? kill = arguments.Option("--kill");
        TimeSpan killAt = TimeSpan.FromSeconds(arguments.Number("--kill-at", (int)(duration.TotalSeconds / 3)));
        string? state = arguments.Option("--state-dir");
        if (state is null || !File.Exists(Path.Combine(state, "cluster.env")))
        {
            Console.Error.WriteLine("cluster-load needs --state-dir of a cluster started by infra/local/cluster.sh up (cluster.env is missing).");
            return 2;
        }

        Dictionary<string, string> env = File.ReadAllLines(Path.Combine(state, "cluster.env"))
            .Select(line => line.Split('=', 2)).Where(parts => parts.Length == 2).ToDictionary(parts => parts[0], parts => parts[1]);
        int silos = int.Parse(env["SILOS"], CultureInfo.InvariantCulture);
        int basePort = int.Parse(env["BASE_PORT"], CultureInfo.InvariantCulture);
        Uri[] addresses = Enumerable.Range(1, silos).Select(i => new Uri($"http://127.0.0.1:{basePort + i}/")).ToArray();
        if (kill is not null && (!kill.StartsWith("silo-", StringComparison.Ordinal) || !File.Exists(Path.Combine(state, kill, "pid"))))
        {
            Console.Error.WriteLine($"--kill names a silo of the cluster (silo-1 … silo-{silos}) with a pid file.");
            return 2;
        }

        using var workload = new ClusterWorkload(addresses, Path.Combine(state, "dev", "dev-evidence.key"), Path.Combine(state, "dev", "dev-admin.key"),
            "bench", TimeSpan.FromSeconds(5));
        using (var setUp = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await workload.SetUpAsync(0, setUp.Token);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cluster-load: /v1 key release, {workers} workers, {silos} silo(s) on {env["STORE"]} ({env["THRESHOLD"]} of {silos}), " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage.Read()}"));
        using (var warm = new CancellationTokenSource(warmup))
        {
            await new ClusterLoad(workload) { WriteEvery = 0 }.RunAsync(workers, warm.Token);
        }

        var load = new ClusterLoad(workload) { WriteEvery = writeEvery };
        TimeSpan? killedAt = null;
        using (var stop = new CancellationTokenSource())
        {
            Task running = load.RunAsync(workers, stop.Token);
            if (kill is not null)
            {
                await Task.Delay(killAt);
                killedAt = load.Now;
                int pid = int.Parse(File.ReadAllText(Path.Combine(state, kill, "pid")).Trim(), CultureInfo.InvariantCulture);
                using (Process victim = Process.GetProcessById(pid))
                {
                    victim.Kill(); // SIGKILL
                }

                await Task.Delay(duration - killAt);
            }
            else
            {
                await Task.Delay(duration);
            }

            stop.Cancel();
            await running;
        }

        TimeSpan elapsed = load.Now;
        LoadCall[] calls = load.Calls.ToArray();
        long[] releases = calls.Where(call => !call.Write && call.Result.Succeeded).Select(call => (long)(call.Duration.TotalSeconds * Stopwatch.Frequency)).ToArray();
        Console.WriteLine(LatencySummary.Of("release (200)", releases, elapsed));
        if (writeEvery > 0)
        {
            long[] writes = calls.Where(call => call.Write && call.Result.Succeeded).Select(call => (long)(call.Duration.TotalSeconds * Stopwatch.Frequency)).ToArray();
            Console.WriteLine(LatencySummary.Of("admit identity (200)", writes, elapsed));
        }

        int errors = calls.Count(call => !call.Result.Succeeded);
        Console.WriteLine($"errors: {errors}{(errors > 0 ? " — " + calls.DescribeFailures(TimeSpan.Zero) : string.Empty)}");
        Console.WriteLine($"wrong keys (differ from the first release): {load.WrongKeys}");
        if (killedAt is { } at)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kill -9 {kill} at {at.TotalSeconds:F1} s: calls failed for {calls.RecoveryAfter(at).TotalSeconds:F1} s after it; " +
                $"{calls.Failures(at, elapsed)} failed, {calls.Successes(at, elapsed)} succeeded after the kill"));
            Console.WriteLine($"restart it: infra/local/cluster.sh start-silo {kill} --state-dir {state}");
        }

        Console.WriteLine($"load average after: {LoadAverage.Read()}");
        return errors > 0 && kill is null ? 1 : 0;
    }
}
