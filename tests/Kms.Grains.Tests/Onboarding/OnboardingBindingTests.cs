using Kms.Crypto.Release;

namespace Kms.Grains.Tests.Onboarding;

/// <summary>The request hash and report data a joining silo's evidence carries.</summary>
public sealed class OnboardingBindingTests
{
    [Fact]
    public void TheRequestHashMatchesOpenssl()
    {
        // (printf 'Orleans.Kms onboarding v1\0silo-4\0'; python3 -c "import sys; sys.stdout.buffer.write(bytes(range(32)))") | openssl dgst -sha256
        byte[] nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal("af179d83c2a1641c0baa168684c4a8dc9ac2c8f764b722d2688b1156afa10bfb", Convert.ToHexStringLower(OnboardingBinding.RequestHash("silo-4", nonce)));

        byte[] reportData = OnboardingBinding.ReportData("silo-4", nonce);
        Assert.Equal(64, reportData.Length);
        Assert.Equal(OnboardingBinding.RequestHash("silo-4", nonce), reportData[..32]);
        Assert.All(reportData[32..], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("with space")]
    [InlineData("tab\there")]
    [InlineData("é")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void BadSiloNamesAreRefused(string name)
    {
        Assert.False(OnboardingBinding.IsValidSiloName(name));
        Assert.Throws<ArgumentException>(() => OnboardingBinding.RequestHash(name, new byte[32]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void NoncesOfAnotherSizeAreRefused(int size) =>
        Assert.Throws<ArgumentException>(() => OnboardingBinding.RequestHash("silo-4", new byte[size]));
}
