namespace Kms.Benchmarks;

/// <summary>CPU time of this thread per call, the way `openssl speed` reports user CPU time.</summary>
internal static class ThreadCpuTimer
{
    /// <summary>
    /// Median over 5 rounds of the CPU time per call of this thread (user + system), after a warm-up. CPU time, like
    /// `openssl speed` (which reports user CPU time unless -elapsed is given), so that a busy machine stretches neither.
    /// </summary>
    public static double Measure(Func<object> operation, double seconds)
    {
        // Warm-up long enough for tiered JIT to reach its optimized code (tier 0 → tier 1 takes ~100 ms after 30 calls,
        // longer when the background compiler shares a busy machine).
        long warmUp = ThreadCpuNanoseconds();
        while (ThreadCpuNanoseconds() - warmUp < 1_000_000_000)
        {
            GC.KeepAlive(operation());
        }

        double[] rounds = new double[5];
        for (int r = 0; r < rounds.Length; r++)
        {
            long calls = 0;
            long start = ThreadCpuNanoseconds();
            long budget = (long)(seconds / rounds.Length * 1e9);
            while (ThreadCpuNanoseconds() - start < budget)
            {
                for (int i = 0; i < 16; i++)
                {
                    GC.KeepAlive(operation());
                }

                calls += 16;
            }

            rounds[r] = (ThreadCpuNanoseconds() - start) / 1e3 / calls;
        }

        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
