using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;

namespace Kms.Governance.Tests.Abi;

public sealed class AbiDecodingTests
{
    private static readonly IReadOnlyList<AbiType>[] s_fuzzTypes =
    [
        AbiType.ParseList("(bytes,bool,uint256[])"),
        AbiType.ParseList("(string[])"),
        AbiType.ParseList("(uint256[][],string[])"),
        [DcapReport.AbiType, AbiType.Parse("(uint32,uint32,bytes,bytes32)[]")],
        [MaaReport.AbiType],
        [OnboardRequest.AbiType],
        AbiType.ParseList("(bytes,int256,address,bytes)"),
        AbiType.ParseList("(address[],bool,int8,bytes3)"),
    ];

    private static byte[] Word(BigInteger value)
    {
        byte[] word = new byte[32];
        value.TryWriteBytes(word.AsSpan(32 - value.GetByteCount(true)), out _, isUnsigned: true, isBigEndian: true);
        return word;
    }

    [Fact]
    public void NonCanonicalStaticValues_AreRejected()
    {
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Bool, Word(2)));
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Address, Word(BigInteger.One << 160)));
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Parse("uint8"), Word(256)));
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Parse("int8"), Word(128))); // not sign-extended
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Parse("bytes1"), Word(1))); // dirty padding
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Bool, new byte[31]));
        Assert.Equal(new BigInteger(-128), AbiDecoder.Decode(AbiType.Parse("int8"), NethereumAbi.Encode(AbiType.Parse("int8"), -128)));
    }

    [Fact]
    public void OffsetsAndLengthsPastTheEnd_AreRejected()
    {
        // bytes with offset beyond the data.
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.DynamicBytes, Word(64)));
        // bytes with a huge length.
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.DynamicBytes, [.. Word(32), .. Word(BigInteger.Pow(2, 255))]));
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.DynamicBytes, [.. Word(32), .. Word(int.MaxValue)]));
        // array with a length no data could hold.
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Parse("uint256[]"), [.. Word(32), .. Word(1_000_000)]));
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Parse("bytes[]"), [.. Word(32), .. Word(uint.MaxValue)]));
        // string that is not UTF-8.
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.String, [.. Word(32), .. Word(1), 0xff, .. new byte[31]]));
        // non-zero padding after bytes.
        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.DynamicBytes, [.. Word(32), .. Word(1), 0x01, 0x01, .. new byte[30]]));
    }

    [Fact]
    public void AliasedOffsets_CannotAmplifyAllocation()
    {
        // bytes[] with 2000 elements all pointing at the same 16 KiB payload: ~80 KiB of input would decode to 32 MiB.
        const int count = 2000;
        const int payload = 16 * 1024;
        var data = new List<byte>();
        data.AddRange(Word(32));
        data.AddRange(Word(count));
        int payloadOffset = count * 32; // relative to the element heads
        for (int i = 0; i < count; i++)
        {
            data.AddRange(Word(payloadOffset));
        }

        data.AddRange(Word(payload));
        data.AddRange(new byte[payload]);

        Assert.Throws<AbiDecodingException>(() => AbiDecoder.Decode(AbiType.Parse("bytes[]"), data.ToArray()));
    }

    [Fact]
    public void Fuzz_RandomData_OnlyTypedExceptions()
    {
        var random = new Random(20261121);
        for (int i = 0; i < 3000; i++)
        {
            IReadOnlyList<AbiType> types = s_fuzzTypes[i % s_fuzzTypes.Length];
            byte[] data = new byte[random.Next(0, 600)];
            random.NextBytes(data);
            // Make many words small numbers so offsets/lengths are often plausible.
            for (int w = 0; w + 32 <= data.Length; w += 32)
            {
                if (random.Next(3) > 0)
                {
                    data.AsSpan(w, 31).Clear();
                    data[w + 31] = (byte)(random.Next(0, 20) * 32 % 256);
                }
            }

            DecodeExpectingOnlyAbiErrors(types, data);
        }
    }

    [Fact]
    public void Fuzz_MutatedValidEncodings_OnlyTypedExceptions()
    {
        var random = new Random(42);
        byte[][] valid =
        [
            NethereumAbi.Encode([DcapReport.AbiType, AbiType.Parse("(uint32,uint32,bytes,bytes32)[]")], [SampleDcap().ToAbi(), new object[] { new object[] { 1u, 2u, new byte[70], new byte[32] } }]),
            NethereumAbi.Encode([OnboardRequest.AbiType], [new object[] { new byte[100], BigInteger.One, EthereumAddress.Zero, new byte[33] }]),
            NethereumAbi.Encode(AbiType.ParseList("(uint256[][],string[])"), [new object[] { new object[] { 1, 2 }, new object[] { 3 } }, new object[] { "one", "two" }]),
        ];
        IReadOnlyList<AbiType>[] types = [s_fuzzTypes[3], s_fuzzTypes[5], s_fuzzTypes[2]];
        for (int i = 0; i < 3000; i++)
        {
            int which = i % valid.Length;
            byte[] data = (byte[])valid[which].Clone();
            switch (random.Next(4))
            {
                case 0:
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data = data[..random.Next(data.Length)];
                    break;
                case 2:
                    data = [.. data, .. new byte[random.Next(1, 64)]];
                    break;
                default:
                    int word = random.Next(data.Length / 32) * 32;
                    Word(random.Next(4) == 0 ? BigInteger.Pow(2, random.Next(8, 256)) : random.Next(0, data.Length + 64)).CopyTo(data, word);
                    break;
            }

            DecodeExpectingOnlyAbiErrors(types[which], data);
        }
    }

    [Fact]
    public void Revert_ErrorString_Panic_Custom_Unknown()
    {
        byte[] errorString = NethereumAbi.EncodeError(AbiError.ErrorString, "Operator not authorized");
        Assert.Equal("08c379a0", Convert.ToHexStringLower(errorString.AsSpan(0, 4)));
        Assert.Equal("Operator not authorized", RevertReason.Decode(errorString).Message);

        RevertReason panic = RevertReason.Decode(NethereumAbi.EncodeError(AbiError.Panic, 0x11));
        Assert.Equal(new BigInteger(0x11), panic.PanicCode);
        Assert.Equal("Panic(0x11)", panic.ToString());

        AbiError limit = GovernanceAbi.Errors.Single(e => e.Name == "LimitReached");
        RevertReason custom = RevertReason.Decode(NethereumAbi.EncodeError(limit, 1024), GovernanceAbi.Errors);
        Assert.Same(limit, custom.Error);
        Assert.Equal("LimitReached(1024)", custom.ToString());

        Assert.Null(RevertReason.Decode([1, 2, 3, 4, 5]).Error);
        Assert.Null(RevertReason.Decode(errorString.AsSpan(0, 40)).Error); // truncated Error(string)
        Assert.Equal("reverted without data", RevertReason.Decode([]).ToString());
    }

    private static void DecodeExpectingOnlyAbiErrors(IReadOnlyList<AbiType> types, byte[] data)
    {
        try
        {
            object?[] decoded = AbiDecoder.Decode(types, data);
            // Whatever decodes must re-encode to a prefix-consistent canonical form without throwing.
            _ = NethereumAbi.Encode(types, decoded);
        }
        catch (AbiDecodingException)
        {
        }
    }

    internal static DcapReport SampleDcap() => new(
        Measurement(0xaa), [Measurement(1), Measurement(2), Measurement(3), Measurement(4)], Measurement(5), Measurement(6), Measurement(7));

    internal static byte[] Measurement(byte last)
    {
        byte[] value = new byte[48];
        value[47] = last;
        return value;
    }
}
