using System.Diagnostics;
using Kms.Benchmarks.Release;

namespace Kms.Benchmarks.Orleans;

/// <summary>Runs an operation from many concurrent callers for a fixed time and reports throughput and latency
/// percentiles over every call (no sampling).</summary>
internal static class LatencyRecorder
{
    public static async Task<LoadResult> RunAsync(int callers, TimeSpan warmup, TimeSpan duration, Func<int, Task> operation)
    {
        await RunCoreAsync(callers, warmup, operation, record: false);
        return await RunCoreAsync(callers, duration, operation, record: true);
    }

    private static async Task<LoadResult> RunCoreAsync(int callers, TimeSpan duration, Func<int, Task> operation, bool record)
    {
        var latencies = new List<long>[callers];
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        var tasks = new Task[callers];
        for (int caller = 0; caller < callers; caller++)
        {
            int id = caller;
            latencies[id] = new List<long>(capacity: 1 << 14);
            tasks[id] = Task.Run(async () =>
            {
                List<long> mine = latencies[id];
                while (Stopwatch.GetTimestamp() < end)
                {
                    long start = Stopwatch.GetTimestamp();
                    await operation(id);
                    if (record)
                    {
                        mine.Add(Stopwatch.GetTimestamp() - start);
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
        clock.Stop();
        long[] all = latencies.SelectMany(list => list).Order().ToArray();
        return new LoadResult(all.Length, clock.Elapsed, LatencySummary.At(all, 0.50), LatencySummary.At(all, 0.99), LatencySummary.At(all, 0.999));
    }
}

internal sealed record LoadResult(long Calls, TimeSpan Elapsed, TimeSpan P50, TimeSpan P99, TimeSpan P999)
{
    public double PerSecond => Calls / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{PerSecond,10:N0} calls/s   p50 {P50.TotalMilliseconds,7:F3} ms   p99 {P99.TotalMilliseconds,7:F3} ms   " +
        $"p99.9 {P999.TotalMilliseconds,7:F3} ms   ({Calls:N0} calls in {Elapsed.TotalSeconds:F1} s)";
}
