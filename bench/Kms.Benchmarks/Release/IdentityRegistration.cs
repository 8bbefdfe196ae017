using System.Globalization;

namespace Kms.Benchmarks.Release;

/// <summary>
/// <c>identities [count] [--concurrency n] [--releases] [--url &lt;url&gt; --data-dir &lt;path&gt;]</c>: <c>count</c>
/// distinct workload identities (one image each) against a dev silo over HTTP, and whether a request gets slower as
/// they accumulate (the first and the last 1,000, and the mean of each tenth). Always: one challenge per identity — the
/// first call of a workload, which activates its identity grain (a state read, no write). With --releases, first each
/// identity's measurement is registered (an admin PUT: a write of the namespace's registry), then each identity does one
/// release (challenge, evidence, derived key: a write of the identity's record). 1,000 other identities ask for a
/// challenge first, uncounted (JIT, connections).
/// </summary>
internal static class IdentityRegistration
{
    private const string Namespace = "identities";
    private const int Window = 1000;

    public static async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        int count = arguments.Number(0, 100_000);
        int concurrency = Math.Max(1, arguments.Number("--concurrency", 16));
        bool releases = arguments.Flag("--releases");
        await using DevSiloTarget target = await DevSiloTarget.OpenAsync(arguments, cancellationToken);
        using HttpClient client = target.CreateLoadClient(concurrency);
        var calls = new HttpReleaseCalls(client);
        await target.CreateNamespaceAsync(Namespace, cancellationToken);
        string run = Environment.TickCount64.ToString(CultureInfo.InvariantCulture);
        BenchInstance[] instances = Enumerable.Range(0, count).Select(i => new BenchInstance(new BenchWorkload($"id-{run}-{i}"), certificates: false)).ToArray();
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"identities: {count:N0} identities, {concurrency} concurrent, HTTP {target.BaseAddress}, {Environment.ProcessorCount} cores, load average {LoadAverage.Read()}"));
            // Warm-up (not counted): other identities, so that JIT and connection set-up are not in the first 1,000.
            BenchInstance[] warmup = Enumerable.Range(0, Math.Min(count, Window)).Select(i => new BenchInstance(new BenchWorkload($"warm-{run}-{i}"), certificates: false)).ToArray();
            await IndexedRun.TimeEachAsync(warmup.Length, concurrency, i => calls.ChallengeAsync(Namespace, warmup[i], cancellationToken));
            Array.ForEach(warmup, instance => instance.Dispose());
            Report("challenge (new identity)", await IndexedRun.TimeEachAsync(count, concurrency, i => calls.ChallengeAsync(Namespace, instances[i], cancellationToken)));
            if (releases)
            {
                Report("register measurement", await IndexedRun.TimeEachAsync(count, concurrency, i => target.RegisterAsync(Namespace, instances[i].Workload.Identity, cancellationToken)));
                Report("release (challenge+key)", await IndexedRun.TimeEachAsync(count, concurrency, async i =>
                {
                    BenchInstance instance = instances[i];
                    byte[] challenge = await calls.ChallengeAsync(Namespace, instance, cancellationToken);
                    byte[] evidence = instance.Workload.Evidence(target.EvidenceKey, challenge, instance);
                    await calls.ReleaseAsync(Namespace, instance, challenge, evidence, check: i % 1000 == 0, cancellationToken);
                }));
            }

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

    private static void Report(string name, (long[] Ticks, TimeSpan Elapsed) run)
    {
        long[] ticks = run.Ticks;
        int window = Math.Min(Window, ticks.Length);
        Console.WriteLine(LatencySummary.Of(name + ", all", ticks, run.Elapsed));
        LatencySummary first = LatencySummary.Of($"  first {window:N0}", ticks.Take(window), TimeSpan.Zero);
        LatencySummary last = LatencySummary.Of($"  last {window:N0}", ticks.Skip(ticks.Length - window), TimeSpan.Zero);
        Console.WriteLine(first);
        Console.WriteLine(last);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  last/first: p50 ×{Ratio(last.P50, first.P50):F2}, p99 ×{Ratio(last.P99, first.P99):F2}, mean ×{Ratio(last.Mean, first.Mean):F2}"));
        int tenth = Math.Max(1, ticks.Length / 10);
        Console.WriteLine("  mean of each tenth: " + string.Join("  ", ticks.Chunk(tenth).Select(chunk =>
            LatencySummary.Ticks((long)chunk.Average()).TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture))) + " ms");
    }

    private static double Ratio(TimeSpan a, TimeSpan b) => b > TimeSpan.Zero ? a / b : double.NaN;
}
