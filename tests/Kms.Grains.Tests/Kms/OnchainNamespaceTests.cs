using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.Tests.Contracts;
using Kms.Grains.Cluster;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Tests.Cluster;

namespace Kms.Grains.Tests.Kms;

/// <summary>
/// A namespace governed onchain, through the grains of a cluster whose silos read a real anvil node with the
/// governance contracts deployed: the namespace id is the registry's address, the registry admits contract-scoped
/// identities, and a dead node makes releases fail closed. One test: it kills its node.
/// </summary>
public sealed class OnchainNamespaceTests
{
    [RequiresAnvilFact]
    public async Task TheRegistryAdmitsTheLocalBrakeHoldsAndADeadChainReleasesNothing()
    {
        var chain = new AnvilFixture();
        KmsTestCluster? cluster = null;
        bool killed = false;
        using var admins = new TestAdmins(2);
        try
        {
            await chain.InitializeAsync();
            string @operator = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey0).ToLowerHexString(); // the deployer holds ROLE_OPERATOR
            cluster = await KmsTestCluster.StartAsync(governanceRpc: (new Uri(chain.RpcUrl), @operator));
            IGrainFactory grains = cluster.GrainFactory;
            await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).InitializeAsync(new ClusterInitRequest(2, [], admins.Keys, 2));

            EthereumAddress contract = chain.RegistryAddress;
            string name = contract.ToLowerHexString();
            var create = new NamespaceCreateRequest(NamespaceGovernance.Onchain, InitializedClusterFixture.DevPolicy, "admin-0");
            KmsException checksummed = await Assert.ThrowsAsync<KmsException>(() => grains.GetGrain<INamespaceGrain>(contract.ToChecksumString()).CreateAsync(create));
            Assert.Equal(KmsErrorKind.MalformedInput, checksummed.Kind);
            INamespaceGrain ns = grains.GetGrain<INamespaceGrain>(name);
            Assert.Equal(NamespaceGovernance.Onchain, (await ns.CreateAsync(create)).Governance);

            using TestWorkload workload = await OnchainWorkloadAsync(chain, name, "app-v1");
            using TestWorkload other = await OnchainWorkloadAsync(chain, name, "app-v2");
            KmsException before = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(grains));
            Assert.Equal(KmsErrorKind.PolicyDenied, before.Kind);
            Assert.Contains("is not allowed by registry", before.Message, StringComparison.Ordinal);

            await chain.Registry().SetConfigForIdentityAsync(Convert.FromHexString(workload.Identity), RandomNumberGenerator.GetBytes(32));
            (byte[] key, SealedRelease release) = await workload.DeriveAsync(grains);
            Assert.Equal(32, key.Length);
            Assert.Equal(workload.Identity, release.Identity);
            KmsException notAllowed = await Assert.ThrowsAsync<KmsException>(() => other.DeriveAsync(grains));
            Assert.Equal(KmsErrorKind.PolicyDenied, notAllowed.Kind);

            // The local brake holds over the chain's answer, for the next request.
            await ns.RevokeMeasurementAsync(workload.Identity, "admin-0");
            KmsException braked = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(grains));
            Assert.Contains("revoked", braked.Message, StringComparison.Ordinal);
            await ns.AddMeasurementAsync(workload.Identity, "brake lifted", "admin-0");
            Assert.Equal(key, (await workload.DeriveAsync(grains)).Key);

            // A removal onchain is in force for the next request (every decision polls the head here).
            await chain.Registry().RemoveConfigMapForIdentityAsync(Convert.FromHexString(workload.Identity));
            await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(grains));
            await chain.Registry().SetConfigForIdentityAsync(Convert.FromHexString(workload.Identity), RandomNumberGenerator.GetBytes(32));
            await workload.DeriveAsync(grains);

            await chain.DisposeAsync();
            killed = true;
            await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the staleness bound the test silos use
            KmsException dead = await Assert.ThrowsAsync<KmsException>(() => workload.DeriveAsync(grains));
            Assert.Equal(KmsErrorKind.Unavailable, dead.Kind);
            Assert.Contains("nothing is released", dead.Message, StringComparison.Ordinal);
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

    /// <summary>A dev workload with 48-byte rtmr0..rtmr2, known by the identity the registry contract itself computes.</summary>
    private static async Task<TestWorkload> OnchainWorkloadAsync(AnvilFixture chain, string name, string image)
    {
        var workload = new TestWorkload(name, image);
        workload.Measurements["rtmr2"] = SHA384.HashData(System.Text.Encoding.UTF8.GetBytes(image + "/rtmr2"));
        DcapReport report = DcapReport.FromRegisters(new byte[48], workload.Measurements["rtmr0"], workload.Measurements["rtmr1"], workload.Measurements["rtmr2"]);
        workload.Identity = Convert.ToHexStringLower(await new AppRegistryContract(chain.Client, chain.RegistryAddress).GetDcapIdentityAsync(report));
        Assert.Equal(
            workload.Identity,
            ContractIdentity.Compute(
                new VerifiedWorkload("dev", "dev", true, "NotApplicable", [], workload.Measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)), []),
                chain.RegistryAddress));
        return workload;
    }
}
