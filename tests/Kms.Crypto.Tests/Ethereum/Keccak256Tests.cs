using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Crypto.Tests.Ethereum;

public sealed class Keccak256Tests
{
    [Theory]
    // Published Keccak-256 values (Ethereum yellow paper's empty-string hash; the ERC-20 Transfer event topic).
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("Transfer(address,address,uint256)", "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")]
    [InlineData("transfer(address,uint256)", "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b")]
    public void HashData_MatchesPublishedValues(string input, string expectedHex)
    {
        byte[] digest = Keccak256.HashData(Encoding.UTF8.GetBytes(input));

        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void HashData_IsNotSha3()
    {
        byte[] keccak = Keccak256.HashData([]);
        byte[] sha3 = System.Security.Cryptography.SHA3_256.IsSupported ? System.Security.Cryptography.SHA3_256.HashData([]) : Convert.FromHexString("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");

        Assert.NotEqual(sha3, keccak);
    }

    [Fact]
    public void HashData_RejectsShortDestination()
    {
        Assert.Throws<ArgumentException>(() => Keccak256.HashData([1, 2, 3], new byte[31]));
    }
}
