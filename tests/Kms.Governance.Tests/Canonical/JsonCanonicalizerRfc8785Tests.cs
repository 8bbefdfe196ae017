using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kms.Governance.Canonical;

namespace Kms.Governance.Tests.Canonical;

/// <summary>Examples and tables published in RFC 8785, typed in from the RFC.</summary>
public sealed class JsonCanonicalizerRfc8785Tests
{
    [Fact]
    public void Section_3_2_2_SampleInput_ProducesPublishedOutput()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected =
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

        Assert.Equal(expected, JsonCanonicalizer.CanonicalizeToString(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void Section_3_2_4_SampleOutput_IsPublishedUtf8Bytes()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string published = """
            7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
            75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
            5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
            65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
            5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
            30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
            """;
        byte[] expected = Convert.FromHexString(string.Concat(published.Where(c => !char.IsWhiteSpace(c))));

        Assert.Equal(expected, JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void Section_3_2_3_SortsByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        string expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

        Assert.Equal(expected, JsonCanonicalizer.CanonicalizeToString(Encoding.UTF8.GetBytes(input)));
    }

    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void AppendixB_NumberSerialization(string ieee754Hex, string expected)
    {
        double value = BitConverter.Int64BitsToDouble(Convert.ToInt64(ieee754Hex, 16));

        Assert.Equal(expected, EcmaScriptNumberFormatter.Format(value));

        // The same value written as JSON text (17 significant digits) canonicalizes to the same token.
        string json = value.ToString("E16", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, JsonCanonicalizer.CanonicalizeToString(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    [InlineData("fff0000000000000")]
    public void AppendixB_NaNAndInfinity_AreRejected(string ieee754Hex)
    {
        double value = BitConverter.Int64BitsToDouble(Convert.ToInt64(ieee754Hex, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => EcmaScriptNumberFormatter.Format(value));
    }

    [Fact]
    public void ControlCharacters_UseShortOrLowercaseHexEscapes()
    {
        var builder = new StringBuilder("\"");
        for (int c = 0; c < 0x20; c++)
        {
            builder.Append(@"\u").Append(c.ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }

        builder.Append("\u007f\u2028/\"");
        string canonical = JsonCanonicalizer.CanonicalizeToString(Encoding.UTF8.GetBytes(builder.ToString()));

        Assert.Equal(
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f" +
            "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f" +
            "\u007f\u2028/\"",
            canonical);
    }

    [Fact]
    public void WhitespaceAndNesting_AreRemovedAndSortedRecursively()
    {
        const string input = " { \"b\" : [ 1 , { \"z\" : 1.0 , \"a\" : -0 } ] , \"a\" : { } , \"c\" : [ ] } ";
        Assert.Equal("{\"a\":{},\"b\":[1,{\"a\":0,\"z\":1}],\"c\":[]}", JsonCanonicalizer.CanonicalizeToString(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void JsonElementAndJsonNode_GiveSameBytesAsText()
    {
        const string input = "{\"n\":1E2,\"s\":\"\\u00e9\",\"a\":[true,null]}";
        byte[] fromText = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(input));
        using JsonDocument document = JsonDocument.Parse(input);

        Assert.Equal(fromText, JsonCanonicalizer.Canonicalize(document.RootElement));
        Assert.Equal(fromText, JsonCanonicalizer.Canonicalize(JsonNode.Parse(input)));
        Assert.Equal("{\"a\":[true,null],\"n\":100,\"s\":\"é\"}", Encoding.UTF8.GetString(fromText));
        Assert.Equal("null"u8.ToArray(), JsonCanonicalizer.Canonicalize((JsonNode?)null));
    }

    [Fact]
    public void JsonElement_WithDuplicateMembers_IsRejected()
    {
        using JsonDocument document = JsonDocument.Parse("{\"a\":1,\"a\":2}");
        var ex = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(document.RootElement));
        Assert.Equal(JsonCanonicalizationError.DuplicateMemberName, ex.Error);
    }

    [Fact]
    public void JsonNode_WithValuesOutsideIJson_IsRejected()
    {
        var nan = new JsonObject { ["n"] = JsonValue.Create(double.NaN) };
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(nan));

        var loneSurrogate = new JsonObject { ["s"] = JsonValue.Create("a\ud800b") };
        var ex = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(loneSurrogate));
        Assert.Equal(JsonCanonicalizationError.InvalidString, ex.Error);
    }
}
