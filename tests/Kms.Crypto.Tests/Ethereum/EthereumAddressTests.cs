using Kms.Crypto.Ethereum;

namespace Kms.Crypto.Tests.Ethereum;

public sealed class EthereumAddressTests
{
    [Theory]
    // EIP-55 specification examples.
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    public void Eip55_RoundTrips(string checksummed)
    {
        EthereumAddress address = EthereumAddress.Parse(checksummed);

        Assert.Equal(checksummed, address.ToString());
        Assert.Equal(address, EthereumAddress.Parse(checksummed.ToLowerInvariant()));
        Assert.Equal(address, EthereumAddress.Parse("0x" + checksummed[2..].ToUpperInvariant()));
        Assert.Equal(address, EthereumAddress.Parse(checksummed[2..]));
        Assert.Equal(checksummed.ToLowerInvariant(), address.ToLowerHexString());
    }

    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")] // one letter with the wrong case
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA")] // too short
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00")] // too long
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg")] // not hex
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0x+aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    public void Parse_RejectsMalformed(string text)
    {
        Assert.Throws<FormatException>(() => EthereumAddress.Parse(text));
        Assert.False(EthereumAddress.TryParse(text, out _));
    }

    [Fact]
    public void FromBytes_RequiresTwentyBytes()
    {
        Assert.Throws<ArgumentException>(() => EthereumAddress.FromBytes(new byte[19]));
        Assert.Equal(EthereumAddress.Zero, EthereumAddress.FromBytes(new byte[20]));
        Assert.Equal(EthereumAddress.Zero, default(EthereumAddress));
    }
}
