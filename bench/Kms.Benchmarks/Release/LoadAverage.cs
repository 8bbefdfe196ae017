namespace Kms.Benchmarks.Release;

/// <summary>The 1, 5 and 15 minute load averages (Linux), to record how busy the machine was.</summary>
internal static class LoadAverage
{
    public static string Read()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
