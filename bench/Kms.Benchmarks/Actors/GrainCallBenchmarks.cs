using BenchmarkDotNet.Attributes;
using Kms.Actors;
using Kms.Actors.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Benchmarks.Actors;

public interface IPingGrain : IGrainWithStringKey
{
    Task<int> PingAsync(int value);

    Task<string> SiloAsync();
}

public sealed record BenchSiloName(string Name);

public sealed class PingGrain(BenchSiloName silo) : Grain, IPingGrain
{
    private int _calls;

    public Task<int> PingAsync(int value) => Task.FromResult(value + ++_calls);

    public Task<string> SiloAsync() => Task.FromResult(silo.Name);
}

/// <summary>Throughput of grain calls from one caller with <see cref="Concurrency"/> calls in flight, spread over 100
/// grains: inside one silo (JSON copy + mailbox hop), and from one silo to another over HTTP/2 on loopback.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Kms.Benchmarks -- --filter '*GrainCall*' --job short</c>.
/// Calls per second = 1e9 / mean (ns per call, as reported thanks to OperationsPerInvoke).</remarks>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private const int Concurrency = 1000;
    private const int Grains = 100;
    private TestCluster _cluster = null!;
    private IPingGrain[] _local = null!;
    private IPingGrain[] _remote = null!;
    private readonly Task<int>[] _calls = new Task<int>[Concurrency];

    // Synchronous setup/cleanup: the in-process toolchain (used on a loaded machine, where building a separate
    // benchmark process times out) does not await Task-returning global setup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = 2,
            ConfigureServices = (name, services) => services.AddSingleton(new BenchSiloName(name)),
            ConfigureSilo = silo => silo.AddGrain<PingGrain>(),
        });
        IGrainFactory caller = _cluster.Silos[0].GrainFactory;
        _local = await FindGrainsAsync(caller, "silo-1");
        _remote = await FindGrainsAsync(caller, "silo-2");
    }

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task InSiloCalls() => RunAsync(_local);

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task CrossSiloCalls() => RunAsync(_remote);

    private async Task RunAsync(IPingGrain[] grains)
    {
        for (int i = 0; i < Concurrency; i++)
        {
            _calls[i] = grains[i % grains.Length].PingAsync(i);
        }

        await Task.WhenAll(_calls);
    }

    private static async Task<IPingGrain[]> FindGrainsAsync(IGrainFactory factory, string silo)
    {
        var found = new List<IPingGrain>();
        for (int i = 0; found.Count < Grains; i++)
        {
            IPingGrain grain = factory.GetGrain<IPingGrain>($"ping-{i}");
            if (await grain.SiloAsync() == silo)
            {
                found.Add(grain);
            }
        }

        return [.. found];
    }
}
