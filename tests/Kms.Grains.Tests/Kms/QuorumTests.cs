using Kms.Grains.Cluster;
using Kms.Grains.Tests.Cluster;

namespace Kms.Grains.Tests.Kms;

/// <summary>Two of three: one silo down is absorbed by the threshold, two down release nothing.</summary>
public sealed class QuorumTests
{
    [Fact]
    public async Task OneSiloDownIsServedAndTwoDownReleaseNothing()
    {
        await using KmsTestCluster cluster = await KmsTestCluster.StartAsync(fastFailureDetection: true);
        using var admins = new TestAdmins(1);
        IClusterGrain clusterGrain = cluster.GrainFactory.GetGrain<IClusterGrain>(IClusterGrain.Key);
        await clusterGrain.InitializeAsync(new ClusterInitRequest(2, [], admins.Keys, 0));
        using var cached = new TestWorkload("cached");
        await CreateAsync(cluster, cached);
        (byte[] cachedKey, _) = await cached.DeriveAsync(cluster.GrainFactory);

        // Stop silos other than the primary (the test client's gateway).
        string[] victims = cluster.Cluster.Silos.Where(s => s != cluster.Cluster.Primary).Select(s => s.Name).ToArray();
        await cluster.Cluster.StopSiloAsync(cluster.Silo(victims[0]));
        Assert.Equal(ClusterState.Degraded, (await Poll.UntilSucceedsAsync(
            async () => await clusterGrain.GetStatusAsync() is { State: ClusterState.Degraded } status ? status : throw new InvalidOperationException(),
            TimeSpan.FromSeconds(20))).State);

        // A refresh needs every holder: it fails, says why, and the current epoch stays in force.
        ClusterStatus before = await clusterGrain.GetStatusAsync();
        KmsException refresh = await Assert.ThrowsAsync<KmsException>(() => clusterGrain.RefreshAsync());
        Assert.Equal(KmsErrorKind.Unavailable, refresh.Kind);
        Assert.Contains(victims[0], refresh.Message, StringComparison.Ordinal);
        ClusterStatus after = await clusterGrain.GetStatusAsync();
        Assert.Equal(before.Epoch, after.Epoch);
        Assert.Equal(refresh.Message, after.LastRefreshError);

        // A namespace key is evaluated by the two live holders; the cached one is still served.
        using var fresh = new TestWorkload("created-with-one-down");
        await CreateAsync(cluster, fresh);
        await fresh.DeriveAsync(cluster.GrainFactory);
        Assert.Equal(cachedKey, (await cached.DeriveAsync(cluster.GrainFactory)).Key);

        await cluster.Cluster.StopSiloAsync(cluster.Silo(victims[1]));
        KmsException refused = await Poll.UntilSucceedsAsync(
            async () => await Assert.ThrowsAsync<KmsException>(() => cached.DeriveAsync(cluster.GrainFactory)),
            TimeSpan.FromSeconds(20));
        Assert.Equal(KmsErrorKind.Unavailable, refused.Kind);
        Assert.Contains("nothing is released", refused.Message, StringComparison.Ordinal);

        using var late = new TestWorkload("created-with-two-down");
        KmsException notCreated = await Assert.ThrowsAsync<KmsException>(() => CreateAsync(cluster, late));
        Assert.Equal(KmsErrorKind.Unavailable, notCreated.Kind);
    }

    private static Task CreateAsync(KmsTestCluster cluster, TestWorkload workload) => workload.CreateNamespaceAsync(cluster.GrainFactory);
}
