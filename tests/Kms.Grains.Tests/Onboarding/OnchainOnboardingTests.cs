using System.Numerics;
using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.Tests.Contracts;
using Kms.Grains.Cluster;
using Kms.Grains.Onboarding;
using Kms.Grains.Tests.Cluster;
using Kms.Grains.Tests.Kms;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Kms.Grains.Tests.Onboarding;

/// <summary>
/// Onboarding approved by the KMS governance contract on a real anvil node: an operator's <c>requestOnboard</c> record
/// that names the request, and the joining silo's identity allowlisted for that operator, reshare the committee to
/// include the silo; a missing record, a record for another request, an identity not allowlisted and a dead chain
/// approve nothing.
/// </summary>
public sealed class OnchainOnboardingTests
{
    [RequiresAnvilFact]
    public async Task TheKmsContractsRecordApprovesAndNothingElseDoes()
    {
        var chain = new AnvilFixture();
        KmsTestCluster? cluster = null;
        bool killed = false;
        using var admins = new TestAdmins(2);
        try
        {
            await chain.InitializeAsync();
            EthereumAddress @operator = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey0); // the deployer holds ROLE_OPERATOR
            cluster = await KmsTestCluster.StartAsync(
                governanceRpc: (new Uri(chain.RpcUrl), @operator.ToLowerHexString()), kmsContract: chain.KmsAddress.ToLowerHexString());
            IGrainFactory grains = cluster.GrainFactory;
            IClusterGrain clusterGrain = grains.GetGrain<IClusterGrain>(IClusterGrain.Key);
            await clusterGrain.InitializeAsync(new ClusterInitRequest(2, [], admins.Keys, 2));
            long epoch = (await clusterGrain.GetStatusAsync()).Epoch;

            SiloHandle fourth = await cluster.Cluster.StartAdditionalSiloAsync();
            await cluster.WaitUntilEverySiloSeesAsync(fourth.Name);
            var joining = new JoiningSilo(fourth.Name);
            joining.Measurements["rtmr2"] = SHA384.HashData("kms-silo-v1/rtmr2"u8);
            IOnboardingRequestGrain request = joining.Grain(grains);
            await request.SubmitAsync(joining.Request());

            // No record under the hash.
            KmsException missing = await Assert.ThrowsAsync<KmsException>(() => request.ApproveOnchainAsync(RandomNumberGenerator.GetBytes(32)));
            Assert.Equal(KmsErrorKind.PolicyDenied, missing.Kind);
            Assert.Contains("holds no onboarding request", missing.Message, StringComparison.Ordinal);

            // A record that names another request.
            byte[] elsewhere = await RequestOnboardAsync(chain, @operator, RandomNumberGenerator.GetBytes(32));
            KmsException other = await Assert.ThrowsAsync<KmsException>(() => request.ApproveOnchainAsync(elsewhere));
            Assert.Contains("names another request", other.Message, StringComparison.Ordinal);

            // The record names this request, but the silo's identity is not allowlisted for the operator.
            byte[] record = await RequestOnboardAsync(chain, @operator, Convert.FromHexString(joining.Hash));
            KmsException notAllowed = await Assert.ThrowsAsync<KmsException>(() => request.ApproveOnchainAsync(record));
            Assert.Equal(KmsErrorKind.PolicyDenied, notAllowed.Kind);
            Assert.Contains("not allowlisted", notAllowed.Message, StringComparison.Ordinal);
            Assert.Equal(OnboardingState.Pending, (await request.GetStatusAsync()).State);
            Assert.Equal(epoch, (await clusterGrain.GetStatusAsync()).Epoch);

            // Allowlisted under the KMS contract: the record approves and the committee is reshared to include the silo.
            await chain.Kms().AllowlistDcapAsync(DcapReport.FromRegisters(
                new byte[48], joining.Measurements["rtmr0"], joining.Measurements["rtmr1"], joining.Measurements["rtmr2"]));
            OnboardingStatus joined = await request.ApproveOnchainAsync(record);
            Assert.True(joined.State == OnboardingState.Joined, joined.Reason);
            Assert.Equal("onchain:" + @operator.ToLowerHexString(), Assert.Single(joined.Approvals).Admin);
            ClusterStatus after = await clusterGrain.GetStatusAsync();
            Assert.Contains(fourth.Name, after.Committee.Select(m => m.SiloName));
            Assert.True(after.Epoch > epoch);

            // A record carrying the silo's evidence itself (the Go system's form) names the request as well; a dead chain
            // approves nothing.
            var late = new JoiningSilo("silo-not-started");
            late.Measurements["rtmr2"] = joining.Measurements["rtmr2"];
            OnboardingRequest lateRequest = late.Request();
            await late.Grain(grains).SubmitAsync(lateRequest);
            byte[] withEvidence = await RequestOnboardAsync(chain, @operator, lateRequest.Evidence.Evidence);
            OnboardingStatus failed = await late.Grain(grains).ApproveOnchainAsync(withEvidence);
            Assert.Equal(OnboardingState.Failed, failed.State); // approved, but the silo is not a live member
            Assert.Contains("not a live member", failed.Reason, StringComparison.Ordinal);

            await chain.DisposeAsync();
            killed = true;
            KmsException dead = await Assert.ThrowsAsync<KmsException>(() => late.Grain(grains).ApproveOnchainAsync(withEvidence));
            Assert.Equal(KmsErrorKind.Unavailable, dead.Kind);
        }
        finally
        {
            if (!killed)
            {
                await chain.DisposeAsync();
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <returns>The hash the KMS contract stored the record under.</returns>
    private static async Task<byte[]> RequestOnboardAsync(AnvilFixture chain, EthereumAddress @operator, byte[] attestation)
    {
        var record = new OnboardRequest("-----BEGIN PUBLIC KEY-----\n"u8.ToArray(), new BigInteger(RandomNumberGenerator.GetInt32(1, int.MaxValue)), @operator, attestation);
        await chain.Kms().RequestOnboardAsync(record);
        byte[] hash = await chain.Kms().HashOnboardRequestAsync(record);
        Assert.Equal(hash, record.ComputeHash());
        return hash;
    }
}
