using System.Security.Cryptography;
using Kms.Crypto.Release;
using Kms.Grains.Cluster;
using Kms.Grains.Onboarding;
using Kms.Grains.Release;
using Kms.Grains.Tests.Kms;

namespace Kms.Grains.Tests.Onboarding;

/// <summary>Onboarding requests that never change the committee: refused evidence, approvals counted once per
/// admin, rejection, and a silo that is not a live member (the cluster: 2 of 3, two admins, so a majority is 2).</summary>
[Collection(InitializedClusterCollection.Name)]
public sealed class OnboardingRequestTests(InitializedClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task EvidenceThatDoesNotBindTheRequestIsRefusedWithAReasonAndNothingIsRecorded()
    {
        var silo = new JoiningSilo("silo-elsewhere");
        var other = new JoiningSilo("silo-elsewhere");
        KmsException refused = await Assert.ThrowsAsync<KmsException>(
            () => silo.Grain(Grains).SubmitAsync(silo.Request(OnboardingBinding.ReportData(other.Name, other.Nonce))));
        Assert.Equal(KmsErrorKind.Unauthenticated, refused.Kind);
        Assert.Contains("does not verify", refused.Message, StringComparison.Ordinal);
        Assert.Equal(KmsErrorKind.NotFound, (await Assert.ThrowsAsync<KmsException>(() => silo.Grain(Grains).GetStatusAsync())).Kind);

        KmsException unknownType = await Assert.ThrowsAsync<KmsException>(
            () => silo.Grain(Grains).SubmitAsync(silo.Request() with { Evidence = new EvidenceSubmission("tdx-dcap", [1, 2, 3]) }));
        Assert.Equal(KmsErrorKind.MalformedInput, unknownType.Kind);

        // A request presented under another request's hash.
        KmsException misplaced = await Assert.ThrowsAsync<KmsException>(() => other.Grain(Grains).SubmitAsync(silo.Request()));
        Assert.Equal(KmsErrorKind.MalformedInput, misplaced.Kind);
        Assert.Contains("request hash", misplaced.Message, StringComparison.Ordinal);

        // A silo that already holds a share.
        string member = (await Grains.GetGrain<IClusterGrain>(IClusterGrain.Key).GetStatusAsync()).Committee[0].SiloName;
        var holder = new JoiningSilo(member);
        Assert.Equal(KmsErrorKind.Conflict, (await Assert.ThrowsAsync<KmsException>(() => holder.Grain(Grains).SubmitAsync(holder.Request()))).Kind);
    }

    [Fact]
    public async Task MalformedRequestsAreRefusedAsMalformed()
    {
        var random = new Random(11);
        for (int i = 0; i < 40; i++)
        {
            string name = new(Enumerable.Range(0, random.Next(0, 70)).Select(_ => (char)random.Next(0, 0x100)).ToArray());
            byte[] nonce = RandomNumberGenerator.GetBytes(random.Next(0, 3) switch { 0 => 32, 1 => random.Next(0, 32), _ => random.Next(33, 80) });
            byte[] evidence = RandomNumberGenerator.GetBytes(random.Next(1, 512));
            var request = new OnboardingRequest(name, nonce, new EvidenceSubmission("dev", evidence));
            string key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            KmsException error = await Assert.ThrowsAsync<KmsException>(() => Grains.GetGrain<IOnboardingRequestGrain>(key).SubmitAsync(request));
            Assert.Equal(KmsErrorKind.MalformedInput, error.Kind);
        }

        // Well-formed and under its own hash, but the evidence is random bytes or mutated.
        var silo = new JoiningSilo("silo-mutated");
        byte[] good = silo.Request().Evidence.Evidence;
        for (int i = 0; i < 40; i++)
        {
            byte[] mutated = i % 2 == 0 ? RandomNumberGenerator.GetBytes(random.Next(1, 600)) : [.. good];
            if (i % 2 == 1)
            {
                mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            }

            KmsException error = await Assert.ThrowsAsync<KmsException>(
                () => silo.Grain(Grains).SubmitAsync(silo.Request() with { Evidence = new EvidenceSubmission("dev", mutated) }));
            Assert.Contains(error.Kind, new[] { KmsErrorKind.Unauthenticated, KmsErrorKind.MalformedInput });
        }
    }

    [Fact]
    public async Task ApprovalsAreCountedOncePerAdminAndASiloThatIsNotLiveFailsWithAReason()
    {
        IClusterGrain cluster = Grains.GetGrain<IClusterGrain>(IClusterGrain.Key);
        long epoch = (await cluster.GetStatusAsync()).Epoch;
        var silo = new JoiningSilo("silo-not-running");
        IOnboardingRequestGrain request = silo.Grain(Grains);

        OnboardingStatus submitted = await request.SubmitAsync(silo.Request());
        Assert.Equal(OnboardingState.Pending, submitted.State);
        Assert.Equal(silo.Hash, submitted.RequestHash);
        Assert.Equal("dev", submitted.Verdict.Tee);
        Assert.Equal(silo.Identity, submitted.Verdict.Identity);
        Assert.Equal(2, submitted.ApprovalsRequired);
        Assert.Equal(Summary(submitted), Summary(await request.SubmitAsync(silo.Request())));
        Assert.Equal(KmsErrorKind.Unauthenticated, (await Assert.ThrowsAsync<KmsException>(
            () => request.SubmitAsync(silo.Request(new byte[64])))).Kind);

        Assert.Equal(KmsErrorKind.PolicyDenied, (await Assert.ThrowsAsync<KmsException>(() => request.ApproveAsync("mallory"))).Kind);
        OnboardingStatus once = await request.ApproveAsync("admin-0");
        OnboardingStatus twice = await request.ApproveAsync("admin-0");
        Assert.Equal(OnboardingState.Pending, twice.State);
        Assert.Equal(["admin-0"], twice.Approvals.Select(a => a.Admin));
        Assert.Equal(once.Approvals.Single(), twice.Approvals.Single());
        Assert.Equal(once.UpdatedAt, twice.UpdatedAt);

        OnboardingStatus failed = await request.ApproveAsync("admin-1");
        Assert.Equal(OnboardingState.Failed, failed.State);
        Assert.Contains("not a live member", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(Summary(failed), Summary(await request.GetStatusAsync()));
        Assert.Equal(epoch, (await cluster.GetStatusAsync()).Epoch);

        // Approving again retries; rejecting ends it.
        Assert.Equal(OnboardingState.Failed, (await request.ApproveAsync("admin-0")).State);
        OnboardingStatus rejected = await request.RejectAsync("admin-1");
        Assert.Equal(OnboardingState.Rejected, rejected.State);
        Assert.Equal("admin-1", rejected.RejectedBy);
    }

    [Fact]
    public async Task ARejectedRequestCannotBeApproved()
    {
        var silo = new JoiningSilo("silo-rejected");
        IOnboardingRequestGrain request = silo.Grain(Grains);
        await request.SubmitAsync(silo.Request());
        Assert.Equal(KmsErrorKind.PolicyDenied, (await Assert.ThrowsAsync<KmsException>(() => request.RejectAsync("mallory"))).Kind);

        OnboardingStatus rejected = await request.RejectAsync("admin-0");
        Assert.Equal(OnboardingState.Rejected, rejected.State);
        Assert.Equal(Summary(rejected), Summary(await request.RejectAsync("admin-0")));
        KmsException approval = await Assert.ThrowsAsync<KmsException>(() => request.ApproveAsync("admin-1"));
        Assert.Equal(KmsErrorKind.Conflict, approval.Kind);
        Assert.Equal(OnboardingState.Rejected, (await request.GetStatusAsync()).State);
        Assert.Empty((await request.GetStatusAsync()).Approvals);
    }

    /// <summary>What a status says, comparable by value (the record holds arrays).</summary>
    private static string Summary(OnboardingStatus status) =>
        $"{status.RequestHash} {status.SiloName} {status.State} {status.Verdict.Identity} {status.SubmittedAt:O} " +
        $"{string.Join(",", status.Approvals)} {status.ApprovalsRequired} {status.RejectedBy} {status.JoinedEpoch} {status.Reason} {status.UpdatedAt:O}";
}
