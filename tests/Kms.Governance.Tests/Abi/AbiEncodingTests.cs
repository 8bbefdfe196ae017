using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;

namespace Kms.Governance.Tests.Abi;

/// <summary>
/// The examples of the Solidity ABI specification, encoded by Nethereum (byte-equal to the specification's hex) and
/// read back by our strict decoder; the type grammar of the descriptor table.
/// </summary>
public sealed class AbiEncodingTests
{
    // The examples of the Solidity ABI specification ("Examples" and "Use of Dynamic Types").
    private const string SamExpected = "a5643bf20000000000000000000000000000000000000000000000000000000000000060000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000464617665000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000003";
    private const string FExpected = "8be6524600000000000000000000000000000000000000000000000000000000000001230000000000000000000000000000000000000000000000000000000000000080313233343536373839300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000e0000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000004560000000000000000000000000000000000000000000000000000000000000789000000000000000000000000000000000000000000000000000000000000000d48656c6c6f2c20776f726c642100000000000000000000000000000000000000";
    private const string GExpected = "2289b18c000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000001400000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000030000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000006000000000000000000000000000000000000000000000000000000000000000a000000000000000000000000000000000000000000000000000000000000000e000000000000000000000000000000000000000000000000000000000000000036f6e650000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000374776f000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000057468726565000000000000000000000000000000000000000000000000000000";

    [Fact]
    public void SpecExample_Baz()
    {
        AbiFunction baz = AbiFunction.Parse("baz(uint32,bool)");
        Assert.Equal(
            "cdcd77c000000000000000000000000000000000000000000000000000000000000000450000000000000000000000000000000000000000000000000000000000000001",
            Convert.ToHexStringLower(NethereumAbi.EncodeCall(baz, 69, true)));
    }

    [Fact]
    public void SpecExample_Sam_RoundTrips()
    {
        AbiFunction sam = AbiFunction.Parse("sam(bytes,bool,uint256[])");
        byte[] call = NethereumAbi.EncodeCall(sam, "dave"u8.ToArray(), true, new object[] { 1, 2, 3 });
        Assert.Equal(SamExpected, Convert.ToHexStringLower(call));

        object?[] decoded = sam.DecodeCall(call);
        Assert.Equal("dave"u8.ToArray(), (byte[])decoded[0]!);
        Assert.True((bool)decoded[1]!);
        Assert.Equal(new object[] { new BigInteger(1), new BigInteger(2), new BigInteger(3) }, (object?[])decoded[2]!);
    }

    [Fact]
    public void SpecExample_F_RoundTrips()
    {
        AbiFunction f = AbiFunction.Parse("f(uint256,uint32[],bytes10,bytes)");
        byte[] call = NethereumAbi.EncodeCall(f, 0x123, new object[] { 0x456, 0x789 }, "1234567890"u8.ToArray(), "Hello, world!"u8.ToArray());
        Assert.Equal(FExpected, Convert.ToHexStringLower(call));
        Assert.Equal(Convert.FromHexString(FExpected[8..]), NethereumAbi.Encode(f.Inputs, f.DecodeCall(call)));
    }

    [Fact]
    public void SpecExample_G_NestedDynamicArrays()
    {
        AbiFunction g = AbiFunction.Parse("g(uint256[][],string[])");
        byte[] call = NethereumAbi.EncodeCall(g, new object[] { new object[] { 1, 2 }, new object[] { 3 } }, new object[] { "one", "two", "three" });
        Assert.Equal(GExpected, Convert.ToHexStringLower(call));
        object?[] decoded = g.DecodeCall(call);
        Assert.Equal(new object[] { "one", "two", "three" }, (object?[])decoded[1]!);
    }

    [Fact]
    public void SignedIntegers_AndSmallTypes_RoundTrip()
    {
        IReadOnlyList<AbiType> types = AbiType.ParseList("(int8,int256,uint8,bytes3,address,bool[2],(uint32,string)[])");
        EthereumAddress address = EthereumAddress.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        object?[] values = [-1, BigInteger.Parse("-123456789"), 255, new byte[] { 0xab, 0xcd, 0xef }, address, new object[] { true, false }, new object[] { new object[] { 7, "hi" }, new object[] { 8, string.Empty } }];

        byte[] encoded = NethereumAbi.Encode(types, values);
        object?[] decoded = AbiDecoder.Decode(types, encoded);

        Assert.Equal(new BigInteger(-1), decoded[0]);
        Assert.Equal(BigInteger.Parse("-123456789"), decoded[1]);
        Assert.Equal(new BigInteger(255), decoded[2]);
        Assert.Equal(address, decoded[4]);
        Assert.Equal(encoded, NethereumAbi.Encode(types, decoded));
        Assert.Equal("ff", Convert.ToHexStringLower(encoded.AsSpan(31, 1)));
        Assert.True(encoded.AsSpan(0, 32).IndexOfAnyExcept((byte)0xff) < 0); // int8 -1 is sign-extended
    }

    [Theory]
    [InlineData("uint7")]
    [InlineData("uint264")]
    [InlineData("bytes33")]
    [InlineData("bytes0")]
    [InlineData("uint08")]
    [InlineData("(uint256")]
    [InlineData("uint256[")]
    [InlineData("uint256[0]")]
    [InlineData("uint256[01]")]
    [InlineData("foo")]
    [InlineData("bytes32[1000000]")]
    [InlineData("((((((((((((((((((uint8))))))))))))))))))")]
    public void Parse_RejectsMalformedTypes(string type)
    {
        Assert.ThrowsAny<FormatException>(() => AbiType.Parse(type));
    }

    [Fact]
    public void Parse_CanonicalNames()
    {
        Assert.Equal("uint256", AbiType.Parse("uint").CanonicalName);
        Assert.Equal("int256", AbiType.Parse("int").CanonicalName);
        Assert.Equal("(bytes,bytes[4],bytes,bytes,bytes)", AbiType.Parse("(bytes,bytes[4],bytes,bytes,bytes)").CanonicalName);
        Assert.Equal("(uint32,uint32,bytes,bytes32)[]", AbiType.Parse("(uint32, uint32, bytes, bytes32)[]").CanonicalName);
        Assert.True(AbiType.Parse("bytes[4]").IsDynamic);
        Assert.False(AbiType.Parse("(bytes32[24])").IsDynamic);
        Assert.Equal(24 * 32, AbiType.Parse("(bytes32[24])").HeadSize);
    }
}
