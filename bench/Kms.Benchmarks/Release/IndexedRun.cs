using System.Diagnostics;

namespace Kms.Benchmarks.Release;

/// <summary>Runs an operation for 0 … count-1, a number at a time, keeping each one's time by its index (so that the
/// first and the last requests of a run can be compared).</summary>
internal static class IndexedRun
{
    public static async Task<(long[] Ticks, TimeSpan Elapsed)> TimeEachAsync(int count, int parallel, Func<int, Task> operation)
    {
        long[] ticks = new long[count];
        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                await operation(i);
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }
        })));
        return (ticks, clock.Elapsed);
    }
}
