namespace Kms.Benchmarks.Release;

/// <summary>
/// Load runs of the KMS's own work (issue 11's benchmark), with figures over every sample:
/// <code>
/// dotnet run -c Release --project bench/Kms.Benchmarks -- release-load [connections] [seconds] [--certificates] [--identities n] [--warmup s] [--grains|--breakdown] [--silo-root &lt;dir&gt;] [--url &lt;url&gt; --data-dir &lt;path&gt;]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- threshold-derive [count] [--parallel n]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- registry-load [connections] [seconds] [--warmup s]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- identities [count] [--concurrency n] [--releases] [--silo-root &lt;dir&gt;] [--url &lt;url&gt; --data-dir &lt;path&gt;]
/// </code>
/// </summary>
internal static class ReleaseBenchmarks
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "release-load" or "threshold-derive" or "identities" or "registry-load";

    public static async Task<int> RunAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            var arguments = new BenchArguments(args[1..]);
            return args[0] switch
            {
                "release-load" => await ReleaseLoad.RunAsync(arguments, cancel.Token),
                "threshold-derive" => await ThresholdDerive.RunAsync(arguments, cancel.Token),
                "registry-load" => await RegistryLoad.RunAsync(arguments, cancel.Token),
                _ => await IdentityRegistration.RunAsync(arguments, cancel.Token),
            };
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"{exception.Message}\nUsage: see the comment on bench/Kms.Benchmarks/Release/ReleaseBenchmarks.cs");
            return 2;
        }
    }
}
