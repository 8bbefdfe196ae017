using System.Diagnostics;
using System.Globalization;

namespace Kms.Benchmarks.Release;

/// <summary>
/// <c>release-load [connections] [seconds] [--certificates] [--identities n] [--warmup s] [--grains|--breakdown]
/// [--silo-root &lt;dir&gt;] [--url &lt;url&gt; --data-dir &lt;path&gt;]</c>: a closed-loop load of releases against a dev silo. Each connection is one
/// instance of a workload and loops: POST a challenge, sign dev evidence over it (ECDSA P-256, in this process), POST
/// the evidence for a derived key (or, with --certificates, for a certificate of the instance's CSR). A release is that
/// pair; the report gives releases/s, HTTP requests/s (two per release) and the latency of each step over every sample.
/// --identities spreads the connections over n registered workload images (default 1: one image, many instances);
/// --grains calls the grains of the in-process silo directly (no HTTP) to show what HTTP costs; --breakdown makes each
/// release from its steps, called and timed one by one (see <see cref="BreakdownReleaseCalls"/>); --silo-root puts
/// the in-process silo's data under a given directory (/dev/shm: no fsync).
/// </summary>
internal static class ReleaseLoad
{
    /// <summary>The namespace the load runs in.</summary>
    public const string Namespace = "bench";

    public static async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        int connections = arguments.Number(0, 64);
        TimeSpan duration = TimeSpan.FromSeconds(arguments.Number(1, 10));
        TimeSpan warmup = TimeSpan.FromSeconds(arguments.Number("--warmup", 3));
        bool certificates = arguments.Flag("--certificates");
        int identities = Math.Clamp(arguments.Number("--identities", 1), 1, connections);

        await using DevSiloTarget target = await DevSiloTarget.OpenAsync(arguments, cancellationToken);
        using HttpClient client = target.CreateLoadClient(connections);
        IReleaseCalls calls = arguments.Flag("--breakdown") ? new BreakdownReleaseCalls(InProcessGrains(target))
            : arguments.Flag("--grains") ? new GrainReleaseCalls(InProcessGrains(target))
            : new HttpReleaseCalls(client);

        BenchWorkload[] workloads = Enumerable.Range(0, identities).Select(i => new BenchWorkload($"bench-app-{i}")).ToArray();
        await target.CreateNamespaceAsync(Namespace, cancellationToken);
        foreach (BenchWorkload workload in workloads)
        {
            await target.RegisterAsync(Namespace, workload.Identity, cancellationToken);
        }

        BenchInstance[] instances = Enumerable.Range(0, connections).Select(i => new BenchInstance(workloads[i % identities], certificates)).ToArray();
        try
        {
            var steps = new ReleaseSteps(calls, target, instances);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"release-load: {(certificates ? "certificates from CSRs" : "derived keys")}, {connections} connections, {identities} identities, " +
                $"{(calls is HttpReleaseCalls ? "HTTP " + target.BaseAddress : calls is GrainReleaseCalls ? "grain calls (no HTTP)" : "grain calls step by step (no HTTP)")}, {(target.InProcess ? "in-process silo" : "silo at a URL")}, " +
                $"{Environment.ProcessorCount} cores, load average {LoadAverage.Read()}"));
            await steps.RunAsync(warmup, record: false, cancellationToken);
            var breakdown = calls as BreakdownReleaseCalls;
            breakdown?.Recording = true;
            ReleaseRun run = await steps.RunAsync(duration, record: true, cancellationToken);
            run.Print();
            breakdown?.Print(run.Elapsed);
            Console.WriteLine($"load average after: {LoadAverage.Read()}");
            return 0;
        }
        finally
        {
            foreach (BenchInstance instance in instances)
            {
                instance.Dispose();
            }
        }
    }

    private static IGrainFactory InProcessGrains(DevSiloTarget target)
        => target.Grains ?? throw new ArgumentException("--grains and --breakdown need the in-process silo (no --url).");
}

/// <summary>The closed loop of every connection, with each step timed.</summary>
internal sealed class ReleaseSteps(IReleaseCalls calls, DevSiloTarget target, BenchInstance[] instances)
{
    private const string Namespace = ReleaseLoad.Namespace;
    private readonly bool[] _checked = new bool[instances.Length];

    public async Task<ReleaseRun> RunAsync(TimeSpan duration, bool record, CancellationToken cancellationToken)
    {
        var samples = new StepSamples[instances.Length];
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, instances.Length).Select(i => Task.Run(async () =>
        {
            StepSamples mine = samples[i] = new StepSamples();
            BenchInstance instance = instances[i];
            while (Stopwatch.GetTimestamp() < end)
            {
                long start = Stopwatch.GetTimestamp();
                byte[] challenge = await calls.ChallengeAsync(Namespace, instance, cancellationToken);
                long challenged = Stopwatch.GetTimestamp();
                byte[] evidence = instance.Workload.Evidence(target.EvidenceKey, challenge, instance);
                long signed = Stopwatch.GetTimestamp();
                await calls.ReleaseAsync(Namespace, instance, challenge, evidence, check: !_checked[i], cancellationToken);
                _checked[i] = true;
                long released = Stopwatch.GetTimestamp();
                if (record)
                {
                    mine.Challenge.Add(challenged - start);
                    mine.Evidence.Add(signed - challenged);
                    mine.Release.Add(released - signed);
                    mine.Pair.Add(released - start);
                }
            }
        }, cancellationToken)));
        clock.Stop();
        return new ReleaseRun(samples, clock.Elapsed, instances[0].Scheme == "csr", calls is HttpReleaseCalls);
    }
}

internal sealed class StepSamples
{
    public List<long> Challenge { get; } = new(1 << 14);

    public List<long> Evidence { get; } = new(1 << 14);

    public List<long> Release { get; } = new(1 << 14);

    public List<long> Pair { get; } = new(1 << 14);
}

internal sealed record ReleaseRun(StepSamples[] Samples, TimeSpan Elapsed, bool Certificates, bool Http)
{
    public void Print()
    {
        LatencySummary pair = LatencySummary.Of(Certificates ? "release (cert pair)" : "release (key pair)", Samples.SelectMany(s => s.Pair), Elapsed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pair.PerSecond:N0} releases/s = {2 * pair.PerSecond:N0} {(Http ? "HTTP requests" : "calls (challenge, release)")}/s over {Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine(pair);
        Console.WriteLine(LatencySummary.Of(Http ? "  POST challenges" : "  challenge", Samples.SelectMany(s => s.Challenge), Elapsed));
        Console.WriteLine(LatencySummary.Of("  sign dev evidence", Samples.SelectMany(s => s.Evidence), Elapsed));
        Console.WriteLine(LatencySummary.Of((Http ? "  POST " : "  ") + (Certificates ? "certificates" : "keys"), Samples.SelectMany(s => s.Release), Elapsed));
    }
}
