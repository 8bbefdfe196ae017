using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;

namespace Kms.Governance.Tests.Abi;

public sealed class AbiEventTests
{
    private static readonly AbiEvent s_event = AbiEvent.Parse("event Mixed(string indexed name, address indexed who, uint256 amount, bytes data)");

    [Fact]
    public void Decode_IndexedStaticAndDynamic_AndData()
    {
        EthereumAddress who = EthereumAddress.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        byte[] nameHash = Keccak256.HashData(Encoding.UTF8.GetBytes("alice"));
        byte[] whoTopic = NethereumAbi.Encode(AbiType.Address, who);
        byte[] data = NethereumAbi.Encode(AbiType.ParseList("(uint256,bytes)"), [5, new byte[] { 1, 2 }]);

        object?[] decoded = s_event.Decode([s_event.Topic.ToArray(), nameHash, whoTopic], data);

        Assert.Equal("Mixed(string,address,uint256,bytes)", s_event.Signature);
        Assert.Equal(nameHash, decoded[0]); // an indexed string is only its hash
        Assert.Equal(who, decoded[1]);
        Assert.Equal(new System.Numerics.BigInteger(5), decoded[2]);
        Assert.Equal(new byte[] { 1, 2 }, decoded[3]);
    }

    [Fact]
    public void Decode_RejectsWrongTopicsAndBadData()
    {
        byte[] data = NethereumAbi.Encode(AbiType.ParseList("(uint256,bytes)"), [5, new byte[] { 1, 2 }]);
        Assert.Throws<AbiDecodingException>(() => s_event.Decode([s_event.Topic.ToArray(), new byte[32]], data)); // missing topic
        Assert.Throws<AbiDecodingException>(() => s_event.Decode([new byte[32], new byte[32], new byte[32]], data)); // wrong topic0
        Assert.Throws<AbiDecodingException>(() => s_event.Decode([s_event.Topic.ToArray(), new byte[32], new byte[31]], data)); // short topic
        byte[] dirtyAddress = Enumerable.Repeat((byte)0xff, 32).ToArray();
        Assert.Throws<AbiDecodingException>(() => s_event.Decode([s_event.Topic.ToArray(), new byte[32], dirtyAddress], data));
        Assert.Throws<AbiDecodingException>(() => s_event.Decode([s_event.Topic.ToArray(), new byte[32], new byte[32]], data[..40]));
    }

    [Theory]
    [InlineData("Mixed(")]
    [InlineData("(uint256)")]
    [InlineData("E(uint256 indexed a, uint256 indexed b, uint256 indexed c, uint256 indexed d)")]
    [InlineData("E(uint256 foo bar)")]
    public void Parse_RejectsMalformed(string declaration)
    {
        Assert.ThrowsAny<FormatException>(() => AbiEvent.Parse(declaration));
    }

    [Fact]
    public void GovernanceEvent_UnknownTopic_IsNull_AndMalformedKnownTopic_Throws()
    {
        var unknown = new EthLog(EthereumAddress.Zero, [new byte[32]], [], 1, new byte[32], new byte[32], 0, 0, false);
        Assert.Null(GovernanceEvent.TryDecode(unknown));

        var malformed = unknown with { Topics = [GovernanceAbi.IdentityAllowlistedEvent.Topic.ToArray()], Data = new byte[40] };
        Assert.Throws<AbiDecodingException>(() => GovernanceEvent.TryDecode(malformed));
    }
}
