using System.Text;
using Kms.Governance.Canonical;

namespace Kms.Governance.Tests.Canonical;

public sealed class JsonCanonicalizerRejectionTests
{
    [Theory]
    [InlineData("{\"a\":1,\"a\":1}")]
    [InlineData("{\"a\":1,\"\\u0061\":2}")]
    [InlineData("{\"x\":{\"b\":1,\"c\":2,\"b\":3}}")]
    [InlineData("[{\"\\ud83d\\ude00\":1,\"\ud83d\ude00\":2}]")]
    public void DuplicateMemberNames_AreRejected(string json)
    {
        AssertRejected(json, JsonCanonicalizationError.DuplicateMemberName);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    [InlineData("\"\\ud800x\"")]
    [InlineData("\"\\udc00\\ud800\"")]
    [InlineData("{\"\\udfff\":1}")]
    public void LoneSurrogates_AreRejected(string json)
    {
        AssertRejected(json, JsonCanonicalizationError.InvalidString);
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xff, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xc3, 0x22 })]
    [InlineData(new byte[] { 0x22, 0xed, 0xa0, 0x80, 0x22 })] // UTF-8 encoded surrogate (CESU-8)
    [InlineData(new byte[] { 0x22, 0xc0, 0xaf, 0x22 })] // overlong '/'
    public void InvalidUtf8_IsRejected(byte[] json)
    {
        var ex = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(json));
        Assert.True(ex.Error is JsonCanonicalizationError.InvalidString or JsonCanonicalizationError.MalformedJson, ex.Error.ToString());
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e309")]
    [InlineData("[1.8e308]")]
    public void NumbersBeyondDouble_AreRejected(string json)
    {
        AssertRejected(json, JsonCanonicalizationError.NumberOutOfRange);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{} {}")]
    [InlineData("// c\n{}")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("01")]
    [InlineData("'a'")]
    [InlineData("{a:1}")]
    [InlineData("\"\\x\"")]
    [InlineData("\"tab\there\"")]
    public void MalformedJson_IsRejected(string json)
    {
        AssertRejected(json, JsonCanonicalizationError.MalformedJson);
    }

    [Fact]
    public void DeepNesting_IsRejected()
    {
        string json = new string('[', 65) + new string(']', 65);
        AssertRejected(json, JsonCanonicalizationError.TooDeep);
        string ok = new string('[', 64) + new string(']', 64);
        Assert.Equal(ok, JsonCanonicalizer.CanonicalizeToString(Encoding.UTF8.GetBytes(ok)));

        string veryDeep = new string('[', 100_000);
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(veryDeep)));
    }

    private static void AssertRejected(string json, JsonCanonicalizationError expected)
    {
        var ex = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, ex.Error);
    }
}
