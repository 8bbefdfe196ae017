using System.Diagnostics;
using System.Globalization;

namespace Kms.Benchmarks.Release;

/// <summary>Percentiles of one kind of request over every sample (Stopwatch ticks), and its rate over a run.</summary>
internal sealed record LatencySummary(string Name, long Count, TimeSpan Elapsed, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max, TimeSpan Mean)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    public static LatencySummary Of(string name, IEnumerable<long> ticks, TimeSpan elapsed)
    {
        long[] sorted = ticks.Order().ToArray();
        return new LatencySummary(
            name, sorted.Length, elapsed, At(sorted, 0.50), At(sorted, 0.90), At(sorted, 0.99),
            sorted.Length == 0 ? TimeSpan.Zero : Ticks(sorted[^1]),
            sorted.Length == 0 ? TimeSpan.Zero : Ticks((long)sorted.Average()));
    }

    /// <summary>The sample at <paramref name="quantile"/> of a sorted array (nearest rank).</summary>
    public static TimeSpan At(long[] sorted, double quantile)
        => sorted.Length == 0 ? TimeSpan.Zero : Ticks(sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))]);

    public static TimeSpan Ticks(long stopwatchTicks) => TimeSpan.FromSeconds(stopwatchTicks / (double)Stopwatch.Frequency);

    public override string ToString()
    {
        // A window of a run (the first 1,000 requests) has no rate of its own.
        string rate = Elapsed > TimeSpan.Zero ? PerSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s" : string.Empty;
        string over = Elapsed > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $" in {Elapsed.TotalSeconds:F1} s") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name,-24} {rate,11}   p50 {Ms(P50),8}   p90 {Ms(P90),8}   p99 {Ms(P99),8}   max {Ms(Max),8}   mean {Ms(Mean),8}   ({Count:N0}{over})");
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
