using Kms.Actors.Hosting;
using Kms.Actors.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Actors.Tests;

internal static class Clusters
{
    /// <summary>Starts a test cluster with the test grains.</summary>
    public static Task<TestCluster> StartAsync(int silos = 2, Action<SiloOptions>? configure = null)
        => TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSilosCount = silos,
            ConfigureServices = (name, services) => services.AddSingleton(new SiloIdentity(name)),
            ConfigureSilo = silo =>
            {
                silo.AddGrain<CounterGrain>().AddGrain<PinnedGrain>().AddGrain<CallerGrain>().AddJsonContext(TestGrainsJsonContext.Default);
                silo.Calls.ResponseTimeout = TimeSpan.FromSeconds(20);
                configure?.Invoke(silo);
            },
        });

    /// <summary>Polls <paramref name="condition"/> until it holds or 15 seconds pass.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
