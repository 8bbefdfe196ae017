using System.Numerics;
using System.Text;
using Kms.Governance.Rlp;

namespace Kms.Governance.Tests.Rlp;

public sealed class RlpCodecTests
{
    [Theory]
    // Examples of the Ethereum RLP specification.
    [InlineData("dog", "83646f67")]
    [InlineData("", "80")]
    [InlineData("\u000f", "0f")]
    [InlineData("Lorem ipsum dolor sit amet, consectetur adipisicing elit", "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974")]
    public void Strings_MatchSpecification(string value, string expected)
    {
        byte[] encoded = RlpCodec.EncodeBytes(Encoding.ASCII.GetBytes(value));
        Assert.Equal(expected, Convert.ToHexStringLower(encoded));
        Assert.Equal(Encoding.ASCII.GetBytes(value), RlpCodec.Decode(encoded).Bytes);
    }

    [Theory]
    [InlineData(0, "80")]
    [InlineData(15, "0f")]
    [InlineData(127, "7f")]
    [InlineData(128, "8180")]
    [InlineData(1024, "820400")]
    public void Integers_MatchSpecification(int value, string expected)
    {
        byte[] encoded = RlpCodec.EncodeUInt(value);
        Assert.Equal(expected, Convert.ToHexStringLower(encoded));
        Assert.Equal(new BigInteger(value), RlpCodec.Decode(encoded).ToUInt());
    }

    [Fact]
    public void Lists_MatchSpecification()
    {
        Assert.Equal("c0", Convert.ToHexStringLower(RlpCodec.EncodeList()));
        Assert.Equal("c88363617483646f67", Convert.ToHexStringLower(RlpCodec.EncodeList(RlpCodec.EncodeBytes("cat"u8), RlpCodec.EncodeBytes("dog"u8))));

        // The set-theoretical representation of three: [ [], [[]], [ [], [[]] ] ].
        byte[] empty = RlpCodec.EncodeList();
        byte[] one = RlpCodec.EncodeList(empty);
        byte[] three = RlpCodec.EncodeList(empty, one, RlpCodec.EncodeList(empty, one));
        Assert.Equal("c7c0c1c0c3c0c1c0", Convert.ToHexStringLower(three));

        RlpItem decoded = RlpCodec.Decode(three);
        Assert.Equal(3, decoded.Items.Count);
        Assert.Single(decoded.Items[1].Items);
        Assert.Throws<RlpException>(() => decoded.Bytes);
    }

    [Fact]
    public void LongList_RoundTrips()
    {
        byte[][] items = Enumerable.Range(0, 100).Select(i => RlpCodec.EncodeBytes(new byte[i])).ToArray();
        byte[] encoded = RlpCodec.EncodeList(items);
        RlpItem decoded = RlpCodec.Decode(encoded);
        Assert.Equal(100, decoded.Items.Count);
        Assert.Equal(99, decoded.Items[99].Bytes.Length);
    }

    [Theory]
    [InlineData("8100", "single byte below 0x80 in long form")]
    [InlineData("817f", "single byte below 0x80 in long form")]
    [InlineData("b80100", "long form for a short string")]
    [InlineData("b9000100", "leading zero in length")]
    [InlineData("f800", "long form for a short list")]
    [InlineData("83646f", "truncated string")]
    [InlineData("c883636174", "truncated list")]
    [InlineData("83646f6700", "trailing byte")]
    [InlineData("", "empty input")]
    [InlineData("bf", "truncated length of length")]
    [InlineData("bcffffffffff", "length of length above 4")]
    public void NonCanonicalOrMalformed_IsRejected(string hex, string because)
    {
        Assert.False(string.IsNullOrEmpty(because));
        Assert.Throws<RlpException>(() => RlpCodec.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void IntegerWithLeadingZero_IsRejected()
    {
        Assert.Throws<RlpException>(() => RlpCodec.Decode(Convert.FromHexString("820001")).ToUInt());
        Assert.Throws<RlpException>(() => RlpCodec.Decode(Convert.FromHexString("00")).ToUInt());
        Assert.Throws<RlpException>(() => RlpCodec.Decode(Convert.FromHexString("89010000000000000000")).ToUInt64());
    }

    [Fact]
    public void DeepNesting_IsRejected()
    {
        byte[] nested = RlpCodec.EncodeList();
        for (int i = 0; i < RlpCodec.MaxDepth + 5; i++)
        {
            nested = RlpCodec.EncodeList(nested);
        }

        Assert.Throws<RlpException>(() => RlpCodec.Decode(nested));
    }

    [Fact]
    public void Fuzz_RandomAndMutatedInput_OnlyTypedExceptions()
    {
        var random = new Random(99);
        byte[] valid = RlpCodec.EncodeList(RlpCodec.EncodeBytes(new byte[60]), RlpCodec.EncodeList(RlpCodec.EncodeUInt(1024), RlpCodec.EncodeBytes("dog"u8)), RlpCodec.EncodeUInt(0));
        for (int i = 0; i < 5000; i++)
        {
            byte[] data;
            if (i % 2 == 0)
            {
                data = new byte[random.Next(0, 80)];
                random.NextBytes(data);
            }
            else
            {
                data = (byte[])valid.Clone();
                data[random.Next(data.Length)] = (byte)random.Next(256);
                if (random.Next(3) == 0)
                {
                    data = data[..random.Next(data.Length)];
                }
            }

            try
            {
                RlpItem item = RlpCodec.Decode(data);
                Assert.Equal(data, ReEncode(item)); // strict decoding ⇒ the encoding is canonical
            }
            catch (RlpException)
            {
            }
        }
    }

    private static byte[] ReEncode(RlpItem item) => item.IsList ? RlpCodec.EncodeList(item.Items.Select(ReEncode)) : RlpCodec.EncodeBytes(item.Bytes);
}
