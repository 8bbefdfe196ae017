using BenchmarkDotNet.Running;
using Kms.Benchmarks.Orleans;
using Kms.Benchmarks.Release;

// Load runs of the Orleans runtime (see Orleans/OrleansLoad.cs), of the KMS's releases (Release/ReleaseBenchmarks.cs),
// the attestation floor ratios (Attestation/AttestationFloor.cs), or the BenchmarkDotNet benchmarks named on the command line, e.g. dotnet run -c Release --project bench/Kms.Benchmarks -- --filter '*Hpke*'
if (OrleansLoad.Handles(args))
{
    return await OrleansLoad.RunAsync(args);
}

if (Kms.Benchmarks.Attestation.AttestationFloor.Handles(args))
{
    return await Kms.Benchmarks.Attestation.AttestationFloor.RunAsync(args);
}

if (Kms.Benchmarks.Cluster.ClusterLoadBenchmark.Handles(args))
{
    return await Kms.Benchmarks.Cluster.ClusterLoadBenchmark.RunAsync(args);
}

if (ReleaseBenchmarks.Handles(args))
{
    return await ReleaseBenchmarks.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(OrleansLoad).Assembly).Run(args);
return 0;
