using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;

namespace Kms.Governance.Tests.Contracts;

/// <summary>Selectors, topics, roles and identity/onboarding vectors of seeds-protocols.md §1.4, §1.6 and §1.13.</summary>
public sealed class GovernanceVectorTests
{
    public static TheoryData<string, string> Selectors => new()
    {
        { "setPKI((bytes,bytes,bytes))", "6c3e695d" },
        { "PKI()", "a9ac54e9" },
        { "DCAPIdentity((bytes,bytes[4],bytes,bytes,bytes),(uint32,uint32,bytes,bytes32)[])", "5a69887d" },
        { "MAAIdentity((bytes32[24]))", "863c43d4" },
        { "IdentityAllowed(bytes32,address)", "1619e345" },
        { "allowlistDCAP((bytes,bytes[4],bytes,bytes,bytes))", "c0f1340b" },
        { "allowlistMAA((bytes32[24]))", "7182ee20" },
        { "allowlistIdentity(bytes32)", "da4fddef" },
        { "removeAllowlistedIdentity(bytes32)", "322febce" },
        { "HashOnboardRequest((bytes,int256,address,bytes))", "b5e3be7a" },
        { "requestOnboard((bytes,int256,address,bytes))", "1301b9ff" },
        { "fetchOnboardRequest(bytes32)", "f588d2fc" },
        { "registerInstanceDomainName(string)", "73fe8cc4" },
        { "InstanceDomainNames()", "70c608d6" },
        { "ApplicationAllowed(address)", "36a70c78" },
        { "AllowApplication(address)", "fb2e19ec" },
        { "RemoveAllowlistedApplication(address)", "0adb7b5b" },
        { "setConfigForDCAP((bytes,bytes[4],bytes,bytes,bytes),(uint32,uint32,bytes,bytes32)[],bytes32)", "80be6875" },
        { "setConfigForMAA((bytes32[24]),bytes32)", "ed1fce63" },
        { "setConfigForIdentity(bytes32,bytes32)", "1b0ce1c1" },
        { "removeConfigMapForIdentity(bytes32)", "8533d8b7" },
        { "ConfigForIdentity(bytes32,address)", "4c01253d" },
        { "setStorageBackend(string)", "27ae3ad9" },
        { "removeStorageBackend(string)", "9fe18d65" },
        { "StorageBackends()", "d0ab83ac" },
        { "addArtifact(bytes)", "73c3f136" },
        { "getArtifact(bytes32)", "37668af5" },
        { "grantRole(bytes32,address)", "2f2ff15d" },
    };

    public static TheoryData<string, string> Topics => new()
    {
        { "IdentityAllowlisted(bytes32,address)", "f1c63c82bb552724847bbe3164e4b33ba29fd3215457e7a41998f59511ff25ca" },
        { "InstanceDomainRegistered(string,address)", "1cffa1975e8ac674a45ba4538b3fecb27ef432cf4cfa52b4c2a25d1ac6b3e3aa" },
        { "StorageBackendSet(string,address)", "d0f13741ab421dfd2f943f230044db0169f77baf12de4af5aa8eaee88ba605da" },
        { "StorageBackendRemoved(string,address)", "f633b6242693f791d1142706b90f2590545fe665e0919e3089a47797f83eea1f" },
        { "ArtifactAdded(bytes32,address)", "0089f1e7da0d286fa2eafc218d8bfefe2896a6950867624e64c6fd7b91cd45d6" },
        { "PKIUpdated(address,(bytes,bytes,bytes))", "284bc1ef7d0ba7c60b8f7283abd7cac9396efaf624dd518cd69a9998265bbcb7" },
        { "IdentityConfigSet(bytes32,bytes32,address)", "612c411f843e4588de9fb22a49cf8c4ef009c7943e145b5682bc64cc41411cbe" },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public void DescriptorTable_SelectorsMatchTheGoSystem(string signature, string selector)
    {
        AbiFunction function = Assert.Single(GovernanceAbi.Functions, f => f.Signature == signature);
        Assert.Equal(selector, Convert.ToHexStringLower(function.Selector));
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void DescriptorTable_TopicsMatchTheGoSystem(string signature, string topic)
    {
        AbiEvent abiEvent = Assert.Single(GovernanceAbi.Events, e => e.Signature == signature);
        Assert.Equal(topic, Convert.ToHexStringLower(abiEvent.Topic));
    }

    [Fact]
    public void Roles_MatchTheGoSystem()
    {
        Assert.Equal("aa3edb77f7c8cc9e38e8afe78954f703aeeda7fffe014eeb6e56ea84e62f6da7", Convert.ToHexStringLower(KmsGovernanceContract.RoleOperator));
        Assert.Equal("88e3f5011d64b9d77f00831d307d6a444c0879817013864000484019d061e023", Convert.ToHexStringLower(AppRegistryContract.RoleMetadata));
        Assert.Equal("921b443815ac473050a9950b17eb79b9ab085599704130a8fb15679f8e0b2e07", Convert.ToHexStringLower(AppRegistryContract.RoleInstance));
    }

    [Fact]
    public void DcapReportIdentity_IsTheRegistryHashOfRtmr0To2()
    {
        // The §1.4 vectors themselves are tested once, in Kms.Crypto.Tests (RegistryIdentityHashTests).
        var contract = EthereumAddress.Parse("0x1111111111111111111111111111111111111111");
        DcapReport report = VectorDcapReport();

        Assert.Equal(RegistryIdentityHash.ComputeDcap(contract.Bytes, report.Rtmrs[0], report.Rtmrs[1], report.Rtmrs[2]), report.ComputeIdentity(contract));
    }

    [Fact]
    public void MaaReportIdentity_IsTheRegistryHashOfPcr4And9And11()
    {
        var contract = EthereumAddress.Parse("0x1111111111111111111111111111111111111111");
        MaaReport report = VectorMaaReport();

        Assert.Equal(RegistryIdentityHash.ComputeMaa(contract.Bytes, report.Pcrs[4], report.Pcrs[9], report.Pcrs[11]), report.ComputeIdentity(contract));
    }

    [Fact]
    public void OnboardRequestHash_MatchesVector()
    {
        var request = new OnboardRequest("pk"u8.ToArray(), BigInteger.One, EthereumAddress.Parse("0x1111111111111111111111111111111111111111"), "att"u8.ToArray());
        Assert.Equal("c2200e391a4878e1a822f198bd5e2bdc59c789169b96bc5df1adaf9df54e9412", Convert.ToHexStringLower(request.ComputeHash()));
    }

    [Fact]
    public void ReportIdentity_RejectsWrongRegisterLengths()
    {
        DcapReport report = VectorDcapReport() with { MrOwner = new byte[47] };
        Assert.Throws<ArgumentException>(() => report.ComputeIdentity(EthereumAddress.Zero));
        Assert.Throws<ArgumentException>(() => new MaaReport([new byte[32]]).ComputeIdentity(EthereumAddress.Zero));
    }

    /// <summary>Measurements = 47 zero bytes followed by i (MRTD=0, RTMR0..2 = 1..3), the rest zero.</summary>
    internal static DcapReport VectorDcapReport() => DcapReport.FromRegisters(Measurement(0), Measurement(1), Measurement(2), Measurement(3));

    internal static MaaReport VectorMaaReport()
    {
        byte[][] pcrs = Enumerable.Range(0, 24).Select(_ => new byte[32]).ToArray();
        pcrs[4][0] = pcrs[4][1] = 0x04;
        pcrs[9][0] = pcrs[9][1] = 0x09;
        pcrs[11][0] = pcrs[11][1] = 0x0b;
        return new MaaReport(pcrs);
    }

    internal static byte[] Measurement(byte last)
    {
        byte[] value = new byte[48];
        value[47] = last;
        return value;
    }
}
