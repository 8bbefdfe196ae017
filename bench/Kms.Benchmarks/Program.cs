using BenchmarkDotNet.Running;
using Kms.Benchmarks.Orleans;

// Load runs of the Orleans runtime (see Orleans/OrleansLoad.cs), or the BenchmarkDotNet benchmarks named on the
// command line, e.g. dotnet run -c Release --project bench/Kms.Benchmarks -- --filter '*Hpke*'
if (OrleansLoad.Handles(args))
{
    return await OrleansLoad.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(OrleansLoad).Assembly).Run(args);
return 0;
