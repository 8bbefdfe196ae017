using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Tests.Contracts;

/// <summary>Every function and event of the application registry contract on a real anvil node.</summary>
public sealed class AppRegistryContractTests(AnvilFixture chain) : IClassFixture<AnvilFixture>
{
    private static EthereumAddress Dev1 => EthereumAddress.FromPrivateKey(AnvilFixture.DevKey1);

    [RequiresAnvilFact]
    public async Task Roles_AreGrantedToTheDeployer()
    {
        AppRegistryContract registry = chain.Registry();
        Assert.True(await registry.HasRoleAsync(AppRegistryContract.RoleMetadata, chain.Owner.Address));
        Assert.True(await registry.HasRoleAsync(AppRegistryContract.RoleInstance, chain.Owner.Address));
        Assert.True(await registry.HasRoleAsync(KmsGovernanceContract.RoleOperator, chain.Owner.Address));
        Assert.Equal(new BigInteger(64), await registry.GetConstantAsync(GovernanceAbi.MaxStorageBackends));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.GetConstantAsync(GovernanceAbi.Owner));

        Assert.Equal(AppRegistryContract.RoleMetadata, await registry.GetRoleConstantAsync(GovernanceAbi.RoleMetadata));
        Assert.Equal(AppRegistryContract.RoleInstance, await registry.GetRoleConstantAsync(GovernanceAbi.RoleInstance));
        Assert.Equal(KmsGovernanceContract.RoleOperator, await registry.GetRoleConstantAsync(GovernanceAbi.RoleOperator));
        Assert.Equal(new byte[32], await registry.GetRoleConstantAsync(GovernanceAbi.DefaultAdminRole));
        Assert.True(await registry.SupportsInterfaceAsync(Convert.FromHexString("7965db0b"))); // IAccessControl
        Assert.False(await registry.SupportsInterfaceAsync(Convert.FromHexString("ffffffff")));
    }

    [RequiresAnvilFact]
    public async Task ConcurrentSends_FromOneSender_GetDistinctNonces()
    {
        AppRegistryContract registry = chain.Registry();
        byte[][] artifacts = Enumerable.Range(0, 6).Select(i => Encoding.UTF8.GetBytes($"concurrent artifact {i}")).ToArray();
        byte[][] hashes = await Task.WhenAll(artifacts.Select(a => registry.AddArtifactAsync(a)));
        for (int i = 0; i < artifacts.Length; i++)
        {
            Assert.Equal(artifacts[i], await registry.GetArtifactAsync(hashes[i]));
        }
    }

    [RequiresAnvilFact]
    public async Task OwnershipTransfer_AndRenounce_EmitEvents()
    {
        using TransactionSender owner2 = chain.NewSender(AnvilFixture.DevKey2);
        EthereumAddress owner2Address = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey2);
        // A dedicated registry so that renouncing does not disturb the other tests.
        EthereumAddress address = await chain.Owner.DeployAsync(ContractArtifact.Load(Foundry.ArtifactPath("AppRegistry")!).Bytecode);
        var registry = new AppRegistryContract(chain.Client, address, chain.Owner);

        TransactionReceipt transferred = await registry.TransferOwnershipAsync(owner2Address);
        OwnershipTransferred transfer = Assert.IsType<OwnershipTransferred>(Assert.Single(registry.DecodeEvents(transferred)));
        Assert.Equal(owner2Address, transfer.NewOwner);
        Assert.Equal("OwnableUnauthorizedAccount", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.SetStorageBackendAsync("file:///x/"))).Reason.Error?.Name);

        var asOwner2 = new AppRegistryContract(chain.Client, address, owner2);
        await asOwner2.SetStorageBackendAsync("file:///x/");
        await asOwner2.RenounceOwnershipAsync();
        Assert.Equal(EthereumAddress.Zero, await asOwner2.GetOwnerAsync());

        TransactionReceipt renounced = await registry.RenounceRoleAsync(AppRegistryContract.RoleMetadata, chain.Owner.Address);
        Assert.IsType<RoleRevoked>(Assert.Single(registry.DecodeEvents(renounced)));
    }

    [RequiresAnvilFact]
    public async Task ConfigForIdentity_SetReadRemove_WithEvents()
    {
        AppRegistryContract registry = chain.Registry();
        byte[] identity = Keccak256.HashData("workload"u8);
        byte[] config = SHA256.HashData("config template"u8);

        Assert.False(await registry.IsIdentityAllowedAsync(identity, chain.Owner.Address));
        Assert.Equal("Config not mapped", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.GetConfigForIdentityAsync(identity, chain.Owner.Address))).Reason.Message);

        TransactionReceipt set = await registry.SetConfigForIdentityAsync(identity, config);
        IdentityConfigSet setEvent = Assert.IsType<IdentityConfigSet>(Assert.Single(registry.DecodeEvents(set)));
        Assert.Equal(identity, setEvent.Identity);
        Assert.Equal(config, setEvent.ConfigHash);
        Assert.Equal(chain.Owner.Address, setEvent.Setter);
        Assert.True(await registry.IsIdentityAllowedAsync(identity, chain.Owner.Address));
        Assert.Equal(config, await registry.GetConfigForIdentityAsync(identity, chain.Owner.Address));
        Assert.Equal("Operator not authorized", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.GetConfigForIdentityAsync(identity, Dev1))).Reason.Message);

        Assert.Equal("ZeroConfigHash", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.SetConfigForIdentityAsync(identity, new byte[32]))).Reason.Error?.Name);

        TransactionReceipt removed = await registry.RemoveConfigMapForIdentityAsync(identity);
        Assert.Equal(identity, Assert.IsType<IdentityConfigRemoved>(Assert.Single(registry.DecodeEvents(removed))).Identity);
        Assert.False(await registry.IsIdentityAllowedAsync(identity, chain.Owner.Address));
        Assert.Equal("NotRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.RemoveConfigMapForIdentityAsync(identity))).Reason.Error?.Name);
    }

    [RequiresAnvilFact]
    public async Task ConfigForDcapAndMaa_UseTheRegistryScopedIdentity()
    {
        AppRegistryContract registry = chain.Registry();
        DcapReport report = GovernanceVectorTests.VectorDcapReport();
        byte[] config = SHA256.HashData("dcap config"u8);
        TransactionReceipt dcap = await registry.SetConfigForDcapAsync(report, [new DcapEvent(0, 1, "payload"u8.ToArray(), new byte[32])], config);
        byte[] expected = report.ComputeIdentity(registry.Address);
        Assert.Equal(expected, Assert.IsType<IdentityConfigSet>(Assert.Single(registry.DecodeEvents(dcap))).Identity);
        Assert.Equal(expected, await registry.GetDcapIdentityAsync(report));
        Assert.NotEqual(report.ComputeIdentity(chain.KmsAddress), expected); // identities are contract-scoped
        Assert.Equal(config, await registry.GetConfigForIdentityAsync(expected, chain.Owner.Address));

        MaaReport maa = GovernanceVectorTests.VectorMaaReport();
        TransactionReceipt maaReceipt = await registry.SetConfigForMaaAsync(maa, config);
        Assert.Equal(maa.ComputeIdentity(registry.Address), Assert.IsType<IdentityConfigSet>(Assert.Single(registry.DecodeEvents(maaReceipt))).Identity);
        Assert.Equal(maa.ComputeIdentity(registry.Address), await registry.GetMaaIdentityAsync(maa));
    }

    [RequiresAnvilFact]
    public async Task StorageBackends_SetRemove_RejectDuplicatesAndAbsent()
    {
        AppRegistryContract registry = chain.Registry();
        TransactionReceipt set = await registry.SetStorageBackendAsync("file:///var/lib/registry/");
        await registry.SetStorageBackendAsync("s3://bucket/prefix/?region=us-west-2");
        StorageBackendSet setEvent = Assert.IsType<StorageBackendSet>(Assert.Single(registry.DecodeEvents(set)));
        Assert.Equal("file:///var/lib/registry/", setEvent.Location);

        Assert.Equal("AlreadyRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.SetStorageBackendAsync("file:///var/lib/registry/"))).Reason.Error?.Name);
        Assert.Equal(["file:///var/lib/registry/", "s3://bucket/prefix/?region=us-west-2"], await registry.GetStorageBackendsAsync());

        TransactionReceipt removed = await registry.RemoveStorageBackendAsync("file:///var/lib/registry/");
        Assert.Equal("file:///var/lib/registry/", Assert.IsType<StorageBackendRemoved>(Assert.Single(registry.DecodeEvents(removed))).Location);
        Assert.Equal(["s3://bucket/prefix/?region=us-west-2"], await registry.GetStorageBackendsAsync());
        Assert.Equal("NotRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.RemoveStorageBackendAsync("file:///var/lib/registry/"))).Reason.Error?.Name);
        Assert.Equal("InvalidLength", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.SetStorageBackendAsync(new string('x', 1025)))).Reason.Error?.Name);
    }

    [RequiresAnvilFact]
    public async Task Artifacts_AreContentAddressedBySha256()
    {
        AppRegistryContract registry = chain.Registry();
        byte[] data = new byte[5000];
        new Random(1).NextBytes(data);

        ulong from = await chain.Client.GetBlockNumberAsync();
        byte[] hash = await registry.AddArtifactAsync(data);
        Assert.Equal(SHA256.HashData(data), hash);
        Assert.Equal(data, await registry.GetArtifactAsync(hash));

        IReadOnlyList<GovernanceEvent> events = await registry.GetEventsAsync(BlockTag.Number(from + 1), BlockTag.Latest);
        Assert.Equal(hash, Assert.IsType<ArtifactAdded>(Assert.Single(events)).ArtifactHash);

        Assert.Equal("Artifact does not exist", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.GetArtifactAsync(new byte[32]))).Reason.Message);
        Assert.Equal("AlreadyRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.AddArtifactAsync(data))).Reason.Error?.Name);
        Assert.Equal("BytesTooLarge", (await Assert.ThrowsAsync<ContractRevertException>(() => registry.AddArtifactAsync(new byte[(20 * 1024) + 1]))).Reason.Error?.Name);

        using TransactionSender stranger = chain.NewSender(AnvilFixture.DevKey1);
        ContractRevertException noRole = await Assert.ThrowsAsync<ContractRevertException>(() => chain.Registry(stranger).AddArtifactAsync("x"u8.ToArray()));
        Assert.Equal("AccessControlUnauthorizedAccount", noRole.Reason.Error?.Name);
        Assert.Equal(AppRegistryContract.RoleMetadata, noRole.Reason.Arguments[1]);
    }

    [RequiresAnvilFact]
    public async Task PkiAndDomains_WorkOnTheRegistryToo()
    {
        AppRegistryContract registry = chain.Registry();
        await registry.SetPkiAsync(new AppPki([1], [2], [3]));
        Assert.Equal(new byte[] { 2 }, (await registry.GetPkiAsync()).Pubkey);
        await registry.RegisterInstanceDomainNameAsync("app-1.internal");
        Assert.Equal(["app-1.internal"], await registry.GetInstanceDomainNamesAsync());
    }

    [RequiresAnvilFact]
    public async Task ReadOnlyBinding_RefusesToSend()
    {
        var readOnly = new AppRegistryContract(chain.Client, chain.RegistryAddress);
        Assert.NotNull(await readOnly.GetStorageBackendsAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.SetStorageBackendAsync("file:///tmp/"));
    }
}
