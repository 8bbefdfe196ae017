using Kms.Grains.Cluster;
using Kms.Grains.Onboarding;
using Kms.Grains.Tests.Cluster;
using Kms.Grains.Tests.Kms;

namespace Kms.Grains.Tests.Onboarding;

/// <summary>A request not approved within its lifetime expires: approvals are refused and the silo submits anew.</summary>
public sealed class OnboardingExpiryTests
{
    [Fact]
    public async Task AnUnapprovedRequestExpiresAndIsNoLongerApproved()
    {
        await using KmsTestCluster cluster = await KmsTestCluster.StartAsync(onboardingLifetime: TimeSpan.FromSeconds(2));
        IGrainFactory grains = cluster.GrainFactory;
        using var admins = new TestAdmins(3);
        await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).InitializeAsync(new ClusterInitRequest(2, [], admins.Keys, 2));
        var silo = new JoiningSilo("silo-slow-to-approve");
        IOnboardingRequestGrain request = silo.Grain(grains);
        await request.SubmitAsync(silo.Request());
        Assert.Equal(OnboardingState.Pending, (await request.ApproveAsync("admin-0")).State);

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(OnboardingState.Expired, (await request.GetStatusAsync()).State);
        Assert.Equal(OnboardingState.Expired, (await request.SubmitAsync(silo.Request())).State);
        KmsException expired = await Assert.ThrowsAsync<KmsException>(() => request.ApproveAsync("admin-1"));
        Assert.Equal(KmsErrorKind.Conflict, expired.Kind);
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
        Assert.Equal(KmsErrorKind.Conflict, (await Assert.ThrowsAsync<KmsException>(() => request.ApproveOnchainAsync(new byte[32]))).Kind);

        // The same silo with a fresh nonce is a new request.
        var again = new JoiningSilo(silo.Name);
        Assert.Equal(OnboardingState.Pending, (await again.Grain(grains).SubmitAsync(again.Request())).State);
    }
}
