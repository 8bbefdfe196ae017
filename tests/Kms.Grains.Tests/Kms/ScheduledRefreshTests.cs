using Kms.Grains.Cluster;
using Kms.Grains.KeyShares;
using Kms.Grains.Placement;
using Kms.Grains.Tests.Cluster;

namespace Kms.Grains.Tests.Kms;

/// <summary>The share refresh that runs on an Orleans reminder, and key shares that live only on their silo.</summary>
public sealed class ScheduledRefreshTests
{
    [Fact]
    public async Task TheReminderRefreshesTheSharesOfTheSameKeyOnItsOwn()
    {
        // One minute is the reminder service's floor.
        await using KmsTestCluster cluster = await KmsTestCluster.StartAsync(shareRefreshInterval: TimeSpan.FromMinutes(1));
        using var admins = new TestAdmins(1);
        IClusterGrain clusterGrain = cluster.GrainFactory.GetGrain<IClusterGrain>(IClusterGrain.Key);
        ClusterStatus initial = (await clusterGrain.InitializeAsync(new ClusterInitRequest(2, [], admins.Keys, 0))).Status;

        ClusterStatus refreshed = await Poll.UntilSucceedsAsync(
            async () => await clusterGrain.GetStatusAsync() is { } status && status.Epoch > initial.Epoch ? status : throw new InvalidOperationException("not yet"),
            TimeSpan.FromSeconds(150));

        Assert.Equal(initial.GroupPublicKey, refreshed.GroupPublicKey);
        Assert.Null(refreshed.LastRefreshError);
        Assert.Null(await cluster.GrainFactory.GetGrain<IKeyShareGrain>($"{initial.Committee[0].SiloName}/{initial.Epoch}").GetInfoAsync());

        // A key share of a silo that is not in the cluster fails at once instead of activating elsewhere.
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() =>
            cluster.GrainFactory.GetGrain<IKeyShareGrain>("no-such-silo/1").GetInfoAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotNull(Poll.FindInChain<OwnerSiloUnavailableException>(error));
    }
}
