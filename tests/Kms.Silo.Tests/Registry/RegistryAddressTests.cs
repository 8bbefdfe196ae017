using Kms.Api.Registry;

namespace Kms.Silo.Tests.Registry;

/// <summary>The Go path address rule (§1.2): optional 0x, then exactly 40 hex characters of either case.</summary>
public sealed class RegistryAddressTests
{
    [Theory]
    [InlineData("0x00000000000000000000000000000000000000aB", "0x00000000000000000000000000000000000000ab")]
    [InlineData("1111111111111111111111111111111111111111", "0x1111111111111111111111111111111111111111")]
    public void Accepts_WithOrWithout0x_EitherCase(string text, string expected)
    {
        Assert.True(RegistryAddress.TryParse(text, out string? id, out _));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0123456789abcdef0123")]
    [InlineData("0x11111111111111111111111111111111111111111")]
    [InlineData("0X1111111111111111111111111111111111111111")]
    [InlineData("111111111111111111111111111111111111111g")]
    [InlineData(" 1111111111111111111111111111111111111111")]
    [InlineData("0x0x11111111111111111111111111111111111111")]
    public void Refuses_AnythingElse(string text)
    {
        Assert.False(RegistryAddress.TryParse(text, out string? id, out string error));
        Assert.Null(id);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void RandomInput_IsAcceptedOnlyWhenItIsAnAddress()
    {
        var random = new Random(7);
        const string alphabet = "0123456789abcdefABCDEFxX g\u00e9\0";
        for (int i = 0; i < 20_000; i++)
        {
            string text = new(Enumerable.Range(0, random.Next(0, 45)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            bool expected = System.Text.RegularExpressions.Regex.IsMatch(text, "^(0x)?[0-9a-fA-F]{40}$");
            Assert.Equal(expected, RegistryAddress.TryParse(text, out _, out _));
        }
    }
}
