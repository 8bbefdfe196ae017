using System.Text.Json;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Nethereum.Contracts;

namespace Kms.Governance.Tests.Contracts;

/// <summary>Our client against foundry's cast on the same anvil node, in both directions.</summary>
public sealed class CastChainInteropTests(AnvilFixture chain) : IClassFixture<AnvilFixture>
{
    private static string Hex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    [RequiresAnvilFact]
    public async Task StateChangedByCastSend_IsReadByOurClient()
    {
        KmsGovernanceContract kms = chain.Kms();
        byte[] identity = Keccak256.HashData("cast identity"u8);
        ulong from = await chain.Client.GetBlockNumberAsync();
        Foundry.RunCast("send", "--rpc-url", chain.RpcUrl, "--private-key", Hex(AnvilFixture.DevKey0), kms.Address.ToString(), "allowlistIdentity(bytes32)", Hex(identity));
        Foundry.RunCast("send", "--rpc-url", chain.RpcUrl, "--private-key", Hex(AnvilFixture.DevKey0), kms.Address.ToString(), "setPKI((bytes,bytes,bytes))", "(0x01,0x0203,0x)");
        Foundry.RunCast("send", "--rpc-url", chain.RpcUrl, "--private-key", Hex(AnvilFixture.DevKey0), kms.Address.ToString(), "registerInstanceDomainName(string)", "from-cast.example");

        Assert.True(await kms.IsIdentityAllowedAsync(identity, chain.Owner.Address));
        AppPki pki = await kms.GetPkiAsync();
        Assert.Equal(new byte[] { 1 }, pki.Ca);
        Assert.Equal(new byte[] { 2, 3 }, pki.Pubkey);
        Assert.Empty(pki.Attestation);

        IReadOnlyList<GovernanceEvent> events = await kms.GetEventsAsync(BlockTag.Number(from + 1), BlockTag.Latest);
        Assert.Collection(
            events,
            e => Assert.Equal(identity, Assert.IsType<IdentityAllowlisted>(e).Identity),
            e => Assert.Equal(new byte[] { 2, 3 }, Assert.IsType<PkiUpdated>(e).Pki.Pubkey),
            e => Assert.Equal("from-cast.example", Assert.IsType<InstanceDomainRegistered>(e).Domain));
    }

    [RequiresAnvilFact]
    public async Task TransactionsSentByUs_AreDecodedByCast()
    {
        KmsGovernanceContract kms = chain.Kms();
        EthereumAddress app = EthereumAddress.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        TransactionReceipt receipt = await kms.AllowApplicationAsync(app);
        string hash = Hex(receipt.TransactionHash);

        using JsonDocument tx = JsonDocument.Parse(Foundry.RunCast("tx", "--rpc-url", chain.RpcUrl, "--json", hash));
        Assert.Equal("0x2", tx.RootElement.GetProperty("type").GetString());
        Assert.Equal(chain.Owner.Address, EthereumAddress.Parse(tx.RootElement.GetProperty("from").GetString()!));
        Assert.Equal(kms.Address, EthereumAddress.Parse(tx.RootElement.GetProperty("to").GetString()!));
        Assert.Equal(Hex(new AllowApplicationFunction { Application = app.ToLowerHexString() }.GetCallData()), tx.RootElement.GetProperty("input").GetString());

        Assert.Equal("true", Foundry.RunCast("receipt", "--rpc-url", chain.RpcUrl, hash, "status"));
        Assert.Equal("true", Foundry.RunCast("call", "--rpc-url", chain.RpcUrl, kms.Address.ToString(), "ApplicationAllowed(address)(bool)", app.ToString()));

        string decodedInput = Foundry.RunCast("decode-calldata", "AllowApplication(address)", tx.RootElement.GetProperty("input").GetString()!);
        Assert.Equal(app.ToString(), decodedInput);
    }

    [RequiresAnvilFact]
    public async Task CastCall_OfIdentityFunctions_EqualsOurs()
    {
        KmsGovernanceContract kms = chain.Kms();
        DcapReport report = GovernanceVectorTests.VectorDcapReport();
        string Measurement(byte[] m) => Hex(m);
        string tuple = $"({Measurement(report.MrTd)},[{string.Join(",", report.Rtmrs.Select(Measurement))}],{Measurement(report.MrOwner)},{Measurement(report.MrConfigId)},{Measurement(report.MrConfigOwner)})";
        string castIdentity = Foundry.RunCast("call", "--rpc-url", chain.RpcUrl, kms.Address.ToString(),
            "DCAPIdentity((bytes,bytes[4],bytes,bytes,bytes),(uint32,uint32,bytes,bytes32)[])(bytes32)", tuple, "[]");
        Assert.Equal(castIdentity, Hex(await kms.GetDcapIdentityAsync(report)));

        var request = new OnboardRequest("pk"u8.ToArray(), 1, EthereumAddress.Parse("0x1111111111111111111111111111111111111111"), "att"u8.ToArray());
        string castHash = Foundry.RunCast("call", "--rpc-url", chain.RpcUrl, kms.Address.ToString(),
            "HashOnboardRequest((bytes,int256,address,bytes))(bytes32)", $"({Hex(request.Pubkey)},1,{request.Operator},{Hex(request.Attestation)})");
        Assert.Equal(castHash, Hex(request.ComputeHash()));
    }

    [RequiresAnvilFact]
    public void Selectors_And_Topics_EqualCast()
    {
        foreach (AbiFunction function in GovernanceAbi.Functions)
        {
            Assert.Equal(Foundry.RunCast("sig", function.Signature), Hex(function.Selector));
        }

        foreach (AbiEvent abiEvent in GovernanceAbi.Events)
        {
            Assert.Equal(Foundry.RunCast("sig-event", abiEvent.Signature), Hex(abiEvent.Topic));
        }
    }

    [RequiresAnvilFact]
    public void DescriptorTable_CoversTheCompiledAbi()
    {
        foreach (string contract in new[] { "KmsGovernance", "AppRegistry" })
        {
            ContractArtifact artifact = ContractArtifact.Load(Foundry.ArtifactPath(contract)!);
            foreach (string signature in artifact.Signatures("function"))
            {
                Assert.Contains(GovernanceAbi.Functions, f => f.Signature == signature);
            }

            foreach (string signature in artifact.Signatures("event"))
            {
                Assert.Contains(GovernanceAbi.Events, e => e.Signature == signature);
            }

            foreach (string signature in artifact.Signatures("error"))
            {
                Assert.Contains(GovernanceAbi.Errors, e => e.Signature == signature);
            }
        }
    }
}
