using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using Kms.Grains.Cluster;
using Kms.Grains.KeyShares;
using Kms.Grains.Onboarding;
using Kms.Grains.Tests.Cluster;
using Kms.Grains.Tests.Kms;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Kms.Grains.Tests.Onboarding;

/// <summary>A fourth silo onboarded into a 2-of-3 committee, then an original holder removed: on a cluster of its own,
/// since silos are added and stopped.</summary>
public sealed class OnboardingJoinTests
{
    [Fact]
    public async Task AFourthSiloOnboardedServesAndARemovedSilosShareNoLongerCounts()
    {
        await using KmsTestCluster cluster = await KmsTestCluster.StartAsync(fastFailureDetection: true);
        IGrainFactory grains = cluster.GrainFactory;
        using var admins = new TestAdmins(2);
        IClusterGrain clusterGrain = grains.GetGrain<IClusterGrain>(IClusterGrain.Key);
        ClusterInitResult init = await clusterGrain.InitializeAsync(new ClusterInitRequest(2, [], admins.Keys, 2));
        var expected = new ExpectedKeys(admins, init.RecoveryShares);
        using var cached = new TestWorkload("before-onboarding");
        await CreateAsync(grains, cached);
        (byte[] cachedKey, _) = await cached.DeriveAsync(grains);
        ClusterStatus initial = await clusterGrain.GetStatusAsync();

        SiloHandle fourth = await cluster.Cluster.StartAdditionalSiloAsync();
        await cluster.WaitUntilEverySiloSeesAsync(fourth.Name);

        // Submit, then two admins of two approve (the first twice); the status is readable while the committee reshares.
        var joining = new JoiningSilo(fourth.Name);
        IOnboardingRequestGrain request = joining.Grain(grains);
        Assert.Equal(OnboardingState.Pending, (await request.SubmitAsync(joining.Request())).State);
        await request.ApproveAsync("admin-0");
        Assert.Single((await request.ApproveAsync("admin-0")).Approvals);
        Task<OnboardingStatus> approval = request.ApproveAsync("admin-1");
        var seen = new List<OnboardingState>();
        while (!approval.IsCompleted)
        {
            seen.Add((await request.GetStatusAsync()).State);
        }

        OnboardingStatus joined = await approval;
        Assert.True(joined.State == OnboardingState.Joined, joined.Reason);
        Assert.All(seen, s => Assert.Contains(s, new[] { OnboardingState.Pending, OnboardingState.Resharing, OnboardingState.Joined }));
        Assert.Contains(OnboardingState.Resharing, seen);

        // Four holders of the same root key in a new epoch; the old epoch's shares are wiped.
        ClusterStatus four = await clusterGrain.GetStatusAsync();
        Assert.Equal(joined.JoinedEpoch, four.Epoch);
        Assert.True(four.Epoch > initial.Epoch);
        Assert.Equal(2, four.Threshold);
        Assert.Equal(initial.Committee.Select(m => m.SiloName).Append(fourth.Name).Order(StringComparer.Ordinal), four.Committee.Select(m => m.SiloName));
        Assert.Equal(initial.GroupPublicKey, four.GroupPublicKey);
        foreach (CommitteeMember old in initial.Committee)
        {
            Assert.Null(await Share(grains, old.SiloName, initial.Epoch).GetInfoAsync());
        }

        Committee committee = await clusterGrain.GetCommitteeAsync();
        CommitteeMember newcomer = committee.Members.Single(m => m.SiloName == fourth.Name);
        KeyShareInfo? newShare = await Share(grains, fourth.Name, committee.Epoch).GetInfoAsync();
        Assert.Equal(P256Curve.EncodePoint(FeldmanCommitments.Decode(committee.Commitments).PublicShare(newcomer.ShareIndex)), newShare?.PublicShare);
        Assert.Equal(cachedKey, (await cached.DeriveAsync(grains)).Key);

        // Remove an original holder (as POST /v1/cluster/reshare does): its share is wiped though its silo still runs.
        string[] originals = cluster.Cluster.Silos.Where(s => s != cluster.Cluster.Primary && s.Name != fourth.Name).Select(s => s.Name).ToArray();
        string removed = originals[0];
        string[] remaining = four.Committee.Select(m => m.SiloName).Where(s => s != removed).ToArray();
        ClusterStatus three = await clusterGrain.ReshareAsync(remaining, 2);
        Assert.DoesNotContain(removed, three.Committee.Select(m => m.SiloName));
        Assert.Equal(initial.GroupPublicKey, three.GroupPublicKey);
        Assert.Null(await Share(grains, removed, four.Epoch).GetInfoAsync());
        Assert.Null(await Share(grains, removed, three.Epoch).GetInfoAsync());

        // With the other original stopped, the primary and the newcomer serve: the new share counts.
        await cluster.Cluster.StopSiloAsync(cluster.Silo(originals[1]));
        await Poll.UntilSucceedsAsync(
            async () => await clusterGrain.GetStatusAsync() is { State: ClusterState.Degraded } status ? status : throw new InvalidOperationException(),
            TimeSpan.FromSeconds(20));
        using var afterRemoval = new TestWorkload("after-removal");
        await CreateAsync(grains, afterRemoval);
        Assert.Equal(expected.Derived("after-removal", 0, afterRemoval.Identity, "disk", 1), (await afterRemoval.DeriveAsync(grains)).Key);

        // With the newcomer stopped too, the removed silo still runs, but its share does not count: a namespace key is
        // not evaluated, and a cached one is not released once the namespace grain rereads the committee (it keeps it
        // up to 30 s).
        await cluster.Cluster.StopSiloAsync(fourth);
        using var late = new TestWorkload("after-newcomer-stopped");
        KmsException notCreated = await Poll.UntilSucceedsAsync(
            async () => await Assert.ThrowsAsync<KmsException>(() => CreateAsync(grains, late)), TimeSpan.FromSeconds(20));
        Assert.Equal(KmsErrorKind.Unavailable, notCreated.Kind);
        KmsException refused = await Poll.UntilSucceedsAsync(
            async () => await Assert.ThrowsAsync<KmsException>(() => cached.DeriveAsync(grains)),
            TimeSpan.FromSeconds(45));
        Assert.Equal(KmsErrorKind.Unavailable, refused.Kind);
        Assert.Contains("nothing is released", refused.Message, StringComparison.Ordinal);
    }

    private static IKeyShareGrain Share(IGrainFactory grains, string silo, long epoch) => grains.GetGrain<IKeyShareGrain>($"{silo}/{epoch}");

    private static Task CreateAsync(IGrainFactory grains, TestWorkload workload) => workload.CreateNamespaceAsync(grains);
}
