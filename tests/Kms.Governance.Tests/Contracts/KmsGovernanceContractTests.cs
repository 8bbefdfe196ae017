using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Tests.Contracts;

/// <summary>Every function and event of the KMS governance contract on a real anvil node, through our own client.</summary>
public sealed class KmsGovernanceContractTests(AnvilFixture chain) : IClassFixture<AnvilFixture>
{
    private static EthereumAddress Dev1 => EthereumAddress.FromPrivateKey(AnvilFixture.DevKey1);

    [RequiresAnvilFact]
    public async Task Deployment_SetsOwnerAndRoles_AndEmitsThem()
    {
        KmsGovernanceContract kms = chain.Kms();
        Assert.Equal(chain.Owner.Address, await kms.GetOwnerAsync());
        Assert.True(await kms.HasRoleAsync(KmsGovernanceContract.RoleOperator, chain.Owner.Address));
        Assert.False(await kms.HasRoleAsync(KmsGovernanceContract.RoleOperator, Dev1));
        Assert.Equal(new byte[32], await kms.GetRoleAdminAsync(KmsGovernanceContract.RoleOperator));
        Assert.Equal(new BigInteger(20 * 1024), await kms.GetConstantAsync(GovernanceAbi.MaxBytesSize));
        Assert.Equal(new BigInteger(1024), await kms.GetConstantAsync(GovernanceAbi.MaxApplications));

        IReadOnlyList<GovernanceEvent> events = await kms.GetEventsAsync(BlockTag.Earliest, BlockTag.Number(chain.DeploymentBlock + 1));
        Assert.Contains(events, e => e is OwnershipTransferred t && t.NewOwner == chain.Owner.Address && t.PreviousOwner == EthereumAddress.Zero);
        Assert.Contains(events, e => e is RoleGranted g && g.Role.SequenceEqual(KmsGovernanceContract.RoleOperator) && g.Account == chain.Owner.Address);
    }

    [RequiresAnvilFact]
    public async Task Pki_SetAndRead_EmitsPkiUpdated_OnlyOwner()
    {
        KmsGovernanceContract kms = chain.Kms();
        var pki = new AppPki("ca-pem"u8.ToArray(), "pubkey-pem"u8.ToArray(), new byte[300]);
        TransactionReceipt receipt = await kms.SetPkiAsync(pki);

        AppPki read = await kms.GetPkiAsync();
        Assert.Equal(pki.Ca, read.Ca);
        Assert.Equal(pki.Pubkey, read.Pubkey);
        Assert.Equal(pki.Attestation, read.Attestation);
        PkiUpdated updated = Assert.IsType<PkiUpdated>(Assert.Single(kms.DecodeEvents(receipt)));
        Assert.Equal(chain.Owner.Address, updated.Updater);
        Assert.Equal(pki.Pubkey, updated.Pki.Pubkey);

        using TransactionSender stranger = chain.NewSender(AnvilFixture.DevKey1);
        ContractRevertException denied = await Assert.ThrowsAsync<ContractRevertException>(() => chain.Kms(stranger).SetPkiAsync(pki));
        Assert.Equal("OwnableUnauthorizedAccount", denied.Reason.Error?.Name);
        Assert.Equal(Dev1, denied.Reason.Arguments[0]);

        ContractRevertException tooLarge = await Assert.ThrowsAsync<ContractRevertException>(() => kms.SetPkiAsync(pki with { Attestation = new byte[(20 * 1024) + 1] }));
        Assert.Equal("BytesTooLarge", tooLarge.Reason.Error?.Name);
    }

    [RequiresAnvilFact]
    public async Task Identities_MatchFormulaAtTheContractAddress()
    {
        KmsGovernanceContract kms = chain.Kms();
        DcapReport report = GovernanceVectorTests.VectorDcapReport();
        byte[] onChain = await kms.GetDcapIdentityAsync(report, [new DcapEvent(1, 2, new byte[10], new byte[32])]);
        Assert.Equal(report.ComputeIdentity(kms.Address), onChain);

        byte[] maa = await kms.GetMaaIdentityAsync(GovernanceVectorTests.VectorMaaReport());
        Assert.Equal(GovernanceVectorTests.VectorMaaReport().ComputeIdentity(kms.Address), maa);

        ContractRevertException badLength = await Assert.ThrowsAsync<ContractRevertException>(() => kms.GetDcapIdentityAsync(report with { MrConfigId = new byte[47] }));
        Assert.Equal("InvalidMeasurementLength", badLength.Reason.Error?.Name);
        Assert.Equal(new BigInteger(47), badLength.Reason.Arguments[0]);
    }

    [RequiresAnvilFact]
    public async Task AllowlistDcap_Maa_Identity_AndRemoval_WithEvents()
    {
        KmsGovernanceContract kms = chain.Kms();
        DcapReport report = GovernanceVectorTests.VectorDcapReport() with { Rtmrs = [GovernanceVectorTests.Measurement(9), GovernanceVectorTests.Measurement(8), GovernanceVectorTests.Measurement(7), new byte[48]] };
        byte[] dcapIdentity = report.ComputeIdentity(kms.Address);

        ulong before = await chain.Client.GetBlockNumberAsync();
        TransactionReceipt allowed = await kms.AllowlistDcapAsync(report);
        IdentityAllowlisted allowEvent = Assert.IsType<IdentityAllowlisted>(Assert.Single(kms.DecodeEvents(allowed)));
        Assert.Equal(dcapIdentity, allowEvent.Identity);
        Assert.True(await kms.IsIdentityAllowedAsync(dcapIdentity, chain.Owner.Address));
        Assert.False(await kms.IsIdentityAllowedAsync(dcapIdentity, chain.Owner.Address, BlockTag.Number(before))); // historical read

        ContractRevertException notOperator = await Assert.ThrowsAsync<ContractRevertException>(() => kms.IsIdentityAllowedAsync(dcapIdentity, Dev1));
        Assert.Equal("Operator not authorized", notOperator.Reason.Message);

        ContractRevertException duplicate = await Assert.ThrowsAsync<ContractRevertException>(() => kms.AllowlistDcapAsync(report));
        Assert.Equal("AlreadyRegistered", duplicate.Reason.Error?.Name);

        TransactionReceipt removed = await kms.RemoveAllowlistedIdentityAsync(dcapIdentity);
        Assert.Equal(dcapIdentity, Assert.IsType<IdentityRemoved>(Assert.Single(kms.DecodeEvents(removed))).Identity);
        Assert.False(await kms.IsIdentityAllowedAsync(dcapIdentity, chain.Owner.Address));
        ContractRevertException absent = await Assert.ThrowsAsync<ContractRevertException>(() => kms.RemoveAllowlistedIdentityAsync(dcapIdentity));
        Assert.Equal("NotRegistered", absent.Reason.Error?.Name);

        MaaReport maa = GovernanceVectorTests.VectorMaaReport();
        TransactionReceipt maaReceipt = await kms.AllowlistMaaAsync(maa);
        Assert.Equal(maa.ComputeIdentity(kms.Address), Assert.IsType<IdentityAllowlisted>(Assert.Single(kms.DecodeEvents(maaReceipt))).Identity);

        byte[] raw = Keccak256.HashData("some identity"u8);
        await kms.AllowlistIdentityAsync(raw);
        Assert.True(await kms.IsIdentityAllowedAsync(raw, chain.Owner.Address));
    }

    [RequiresAnvilFact]
    public async Task Onboarding_RequestFetchHash_AndRules()
    {
        KmsGovernanceContract kms = chain.Kms();
        var request = new OnboardRequest("-----BEGIN PUBLIC KEY-----\n..."u8.ToArray(), new BigInteger(long.MaxValue - 5), chain.Owner.Address, new byte[1000]);
        Assert.Equal(request.ComputeHash(), await kms.HashOnboardRequestAsync(request));

        var vector = new OnboardRequest("pk"u8.ToArray(), BigInteger.One, EthereumAddress.Parse("0x1111111111111111111111111111111111111111"), "att"u8.ToArray());
        Assert.Equal("c2200e391a4878e1a822f198bd5e2bdc59c789169b96bc5df1adaf9df54e9412", Convert.ToHexStringLower(await kms.HashOnboardRequestAsync(vector)));

        TransactionReceipt receipt = await kms.RequestOnboardAsync(request);
        OnboardRequested requested = Assert.IsType<OnboardRequested>(Assert.Single(kms.DecodeEvents(receipt)));
        Assert.Equal(request.ComputeHash(), requested.RequestHash);

        OnboardRequest fetched = await kms.FetchOnboardRequestAsync(requested.RequestHash);
        Assert.Equal(request.Pubkey, fetched.Pubkey);
        Assert.Equal(request.Nonce, fetched.Nonce);
        Assert.Equal(request.Operator, fetched.Operator);
        Assert.Equal(request.Attestation, fetched.Attestation);
        Assert.Equal(fetched.Pubkey, (await kms.GetOnboardRequestAsync(requested.RequestHash)).Pubkey);
        Assert.True((await kms.FetchOnboardRequestAsync(new byte[32])).IsEmpty);

        Assert.Equal("AlreadyRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RequestOnboardAsync(request))).Reason.Error?.Name);
        Assert.Equal("InvalidNonce", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RequestOnboardAsync(request with { Nonce = 0 }))).Reason.Error?.Name);
        Assert.Equal("operator must be the sender", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RequestOnboardAsync(request with { Operator = Dev1 }))).Reason.Message);

        using TransactionSender dev1 = chain.NewSender(AnvilFixture.DevKey1);
        ContractRevertException noRole = await Assert.ThrowsAsync<ContractRevertException>(() => chain.Kms(dev1).RequestOnboardAsync(request with { Operator = Dev1 }));
        Assert.Equal("AccessControlUnauthorizedAccount", noRole.Reason.Error?.Name);

        // Granting the role lets dev1 onboard; revoking takes it away again.
        TransactionReceipt granted = await kms.GrantRoleAsync(KmsGovernanceContract.RoleOperator, Dev1);
        RoleGranted grant = Assert.IsType<RoleGranted>(Assert.Single(kms.DecodeEvents(granted)));
        Assert.Equal(Dev1, grant.Account);
        Assert.Equal(chain.Owner.Address, grant.Sender);
        await chain.Kms(dev1).RequestOnboardAsync(request with { Operator = Dev1 });
        TransactionReceipt revoked = await kms.RevokeRoleAsync(KmsGovernanceContract.RoleOperator, Dev1);
        Assert.Equal(Dev1, Assert.IsType<RoleRevoked>(Assert.Single(kms.DecodeEvents(revoked))).Account);
        Assert.False(await kms.HasRoleAsync(KmsGovernanceContract.RoleOperator, Dev1));
    }

    [RequiresAnvilFact]
    public async Task InstanceDomainNames_RegisterRemove_RejectDuplicates()
    {
        KmsGovernanceContract kms = chain.Kms();
        TransactionReceipt first = await kms.RegisterInstanceDomainNameAsync("kms-1.example.org");
        await kms.RegisterInstanceDomainNameAsync("kms-2.example.org");
        await kms.RegisterInstanceDomainNameAsync("kms-3.example.org");
        InstanceDomainRegistered registered = Assert.IsType<InstanceDomainRegistered>(Assert.Single(kms.DecodeEvents(first)));
        Assert.Equal("kms-1.example.org", registered.Domain);
        Assert.Equal(chain.Owner.Address, registered.Registrar);

        Assert.Equal("AlreadyRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RegisterInstanceDomainNameAsync("kms-2.example.org"))).Reason.Error?.Name);
        Assert.Equal("InvalidLength", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RegisterInstanceDomainNameAsync(string.Empty))).Reason.Error?.Name);

        TransactionReceipt removed = await kms.RemoveInstanceDomainNameAsync("kms-1.example.org");
        Assert.Equal("kms-1.example.org", Assert.IsType<InstanceDomainRemoved>(Assert.Single(kms.DecodeEvents(removed))).Domain);
        Assert.Equal(["kms-3.example.org", "kms-2.example.org"], await kms.GetInstanceDomainNamesAsync());
        Assert.Equal("NotRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RemoveInstanceDomainNameAsync("kms-1.example.org"))).Reason.Error?.Name);
    }

    [RequiresAnvilFact]
    public async Task Applications_AllowRemove_SwapAndPop_WithEvents()
    {
        KmsGovernanceContract kms = chain.Kms();
        EthereumAddress[] apps = Enumerable.Range(1, 3).Select(i => EthereumAddress.FromBytes(Enumerable.Repeat((byte)(0xa0 + i), 20).ToArray())).ToArray();
        foreach (EthereumAddress app in apps)
        {
            TransactionReceipt receipt = await kms.AllowApplicationAsync(app);
            Assert.Equal(app, Assert.IsType<ApplicationAllowlisted>(Assert.Single(kms.DecodeEvents(receipt))).Application);
        }

        Assert.True(await kms.IsApplicationAllowedAsync(apps[1]));
        Assert.Equal("AlreadyRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.AllowApplicationAsync(apps[1]))).Reason.Error?.Name);

        TransactionReceipt removed = await kms.RemoveAllowlistedApplicationAsync(apps[0]);
        Assert.Equal(apps[0], Assert.IsType<ApplicationRemoved>(Assert.Single(kms.DecodeEvents(removed))).Application);
        Assert.False(await kms.IsApplicationAllowedAsync(apps[0]));
        Assert.Equal([apps[2], apps[1]], await kms.GetAllowedApplicationsAsync());
        await kms.RemoveAllowlistedApplicationAsync(apps[2]);
        Assert.Equal([apps[1]], await kms.GetAllowedApplicationsAsync());
        Assert.True(await kms.IsApplicationAllowedAsync(apps[1]));
        Assert.Equal("NotRegistered", (await Assert.ThrowsAsync<ContractRevertException>(() => kms.RemoveAllowlistedApplicationAsync(apps[0]))).Reason.Error?.Name);
    }
}
