using System.Globalization;
using System.Security.Cryptography;
using Kms.Grains.Cluster;
using Kms.Grains.Hosting;
using Kms.Grains.KeyShares;
using Kms.Grains.Namespaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Kms.Benchmarks.Release;

/// <summary>
/// <c>threshold-derive [count] [--parallel n]</c>: three silos (Orleans TestCluster, in this process, talking over
/// loopback TCP) with the root key dealt 2 of 3. Measures (1) creating <c>count</c> namespaces — each evaluates its key
/// by threshold across the silos, derives its CA and writes its state — and (2) the threshold evaluation alone, as the
/// namespace grain runs it (<see cref="NamespaceKeyEvaluator"/> from a silo: partial evaluations from all three holders
/// at once, DLEQ proofs checked, the first two combined), and (3) one holder's partial evaluation alone (a grain call to
/// a key-share grain on another silo). <c>--parallel</c> runs that many at a time.
/// </summary>
internal static class ThresholdDerive
{
    public static async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        int count = arguments.Number(0, 200);
        int parallel = Math.Max(1, arguments.Number("--parallel", 1));
        string directory = Directory.CreateTempSubdirectory("kms-bench-cluster-").FullName;
        var builder = new TestClusterBuilder(initialSilosCount: 3);
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[BenchSiloConfigurator.StateDirectoryProperty] = directory;
        builder.Properties[BenchSiloConfigurator.StorageKeyProperty] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        builder.AddSiloBuilderConfigurator<BenchSiloConfigurator>();
        TestCluster cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            IGrainFactory grains = cluster.GetSiloServiceProvider(cluster.Primary!.SiloAddress).GetRequiredService<IGrainFactory>();
            using var admin = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            IClusterGrain clusterGrain = grains.GetGrain<IClusterGrain>(IClusterGrain.Key);
            await clusterGrain.InitializeAsync(
                new ClusterInitRequest(2, [], [new AdminKey("bench-admin", admin.ExportSubjectPublicKeyInfo(), [])], 0), cancellationToken);
            Committee committee = await clusterGrain.GetCommitteeAsync(cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threshold-derive: {committee.Members.Count} silos, t = {committee.Threshold}, {count} per phase, {parallel} at a time, " +
                $"{Environment.ProcessorCount} cores, load average {LoadAverage.Read()}"));

            var policy = new NamespacePolicy(["dev"], false, []);
            var evaluator = new NamespaceKeyEvaluator(grains, TimeSpan.FromSeconds(5));
            long run = Environment.TickCount64;

            // Warm-up: activations, connections between the silos, JIT.
            await MeasureAsync("warm-up", 20, parallel, i => grains.GetGrain<INamespaceGrain>($"warm-{run}-{i}")
                .CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.Registry, policy, "bench-admin"), cancellationToken));
            await MeasureAsync("warm-up", 20, parallel, i => EvaluateAsync(evaluator, committee, $"warm-{run}-{i}", cancellationToken));

            Console.WriteLine(await MeasureAsync("namespace create", count, parallel, i => grains.GetGrain<INamespaceGrain>($"ns-{run}-{i}")
                .CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.Registry, policy, "bench-admin"), cancellationToken)));
            Console.WriteLine(await MeasureAsync("NK evaluation (2 of 3)", count, parallel, i => EvaluateAsync(evaluator, committee, $"ns-{run}-{i}", cancellationToken)));
            IKeyShareGrain holder = grains.GetGrain<IKeyShareGrain>(KeyShareGrainKey.Create(committee.Members[^1].SiloName, committee.Epoch));
            Console.WriteLine(await MeasureAsync("  one holder's partial", count, parallel, i => holder.EvaluateAsync($"ns-{run}-{i}", 1, cancellationToken)));
            Console.WriteLine($"load average after: {LoadAverage.Read()}");
            return 0;
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task EvaluateAsync(NamespaceKeyEvaluator evaluator, Committee committee, string ns, CancellationToken cancellationToken)
    {
        byte[] key = await evaluator.EvaluateAsync(committee, ns, 1, cancellationToken);
        CryptographicOperations.ZeroMemory(key);
    }

    private static async Task<LatencySummary> MeasureAsync(string name, int count, int parallel, Func<int, Task> operation)
    {
        (long[] ticks, TimeSpan elapsed) = await IndexedRun.TimeEachAsync(count, parallel, operation);
        return LatencySummary.Of(name, ticks, elapsed);
    }
}

/// <summary>
/// Configures each silo of the bench cluster as <c>kms-silo</c> does: a file grain storage under the KMS's sealed
/// storage, and a sealing key of its own (random: the bench never restarts a silo).
/// </summary>
/// <remarks>TestCluster creates configurators by reflection; the shared settings come from the cluster's properties.</remarks>
public sealed class BenchSiloConfigurator : ISiloConfigurator
{
    internal const string StateDirectoryProperty = "KmsBench:StateDirectory";
    internal const string StorageKeyProperty = "KmsBench:StorageKey";

    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        const string StoreName = "kms-store";
        IConfiguration configuration = siloBuilder.Configuration;
        string directory = configuration[StateDirectoryProperty] ?? throw new InvalidOperationException($"{StateDirectoryProperty} is not set.");
        byte[] storageKey = Convert.FromHexString(configuration[StorageKeyProperty] ?? throw new InvalidOperationException($"{StorageKeyProperty} is not set."));
        byte[] sealingKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            siloBuilder.AddFileGrainStorage(StoreName, files => files.Directory = directory);
            siloBuilder.AddKmsGrains(storageKey, StoreName);
            siloBuilder.AddKmsSiloSealingKey(sealingKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(storageKey);
            CryptographicOperations.ZeroMemory(sealingKey);
        }
    }
}
