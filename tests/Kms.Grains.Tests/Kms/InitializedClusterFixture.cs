using Kms.Grains.Cluster;
using Kms.Grains.Namespaces;
using Kms.Grains.Tests.Cluster;

namespace Kms.Grains.Tests.Kms;

/// <summary>Three silos with a root key dealt 2 of 3 and two admins holding recovery shares (2 of 2).</summary>
public sealed class InitializedClusterFixture : IAsyncLifetime
{
    private KmsTestCluster? _cluster;

    internal TestAdmins Admins { get; } = new(2);

    public KmsTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public IGrainFactory Grains => Cluster.GrainFactory;

    public ClusterInitResult Init { get; private set; } = null!;

    public static NamespacePolicy DevPolicy { get; } = new(["dev"], false, []);

    /// <summary>The registry bound of these silos (Silo:Grains:MaxMeasurements), low enough to reach in a test.</summary>
    public const int MaxMeasurements = 40;

    public async Task InitializeAsync()
    {
        _cluster = await KmsTestCluster.StartAsync(challengeLifetime: TimeSpan.FromSeconds(3), maxMeasurements: MaxMeasurements);
        Init = await Grains.GetGrain<IClusterGrain>(IClusterGrain.Key)
            .InitializeAsync(new ClusterInitRequest(2, [], Admins.Keys, 2));
    }

    /// <summary>Creates a namespace with the dev policy and registers the workload's measurement.</summary>
    internal Task<INamespaceGrain> NamespaceWithAsync(TestWorkload workload) => workload.CreateNamespaceAsync(Grains);

    public async Task DisposeAsync()
    {
        Admins.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
