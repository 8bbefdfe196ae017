using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.Tests.Abi;

namespace Kms.Governance.Tests.Contracts;

/// <summary>
/// Return data from a node is hostile: the guard in front of Nethereum's decoder rejects what Nethereum 6.1.0 accepts
/// (bool 2, dirty address, dirty padding, trailing bytes, short data, invalid UTF-8, non-canonical offsets) and the
/// length words that made it allocate without bound, always with <see cref="AbiDecodingException"/>.
/// </summary>
public sealed class GuardedOutputDecoderTests
{
    private const int Cap = 1 << 20;

    [Fact]
    public void CanonicalData_DecodesToTheSameValuesAsTheStrictDecoder()
    {
        EthereumAddress op = EthereumAddress.FromBytes(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray());
        byte[] data = NethereumAbi.Encode(GovernanceAbi.FetchOnboardRequest.Outputs, [new object?[] { new byte[178], BigInteger.MinusOne << 100, op, new byte[5000] }]);
        OnboardRequestStruct request = GuardedOutputDecoder.Decode<OnboardRequestOutput>(GovernanceAbi.FetchOnboardRequest, data, Cap).Value;
        Assert.Equal(178, request.Pubkey.Length);
        Assert.Equal(BigInteger.MinusOne << 100, request.Nonce);
        Assert.Equal(op, EthereumAddress.Parse(request.Operator));
        Assert.Equal(5000, request.Attestation.Length);

        string[] names = ["kms-1.example.org", "", "ünïcode.example"];
        byte[] strings = NethereumAbi.Encode(GovernanceAbi.InstanceDomainNames.Outputs, [names.Cast<object?>().ToArray()]);
        Assert.Equal(names, GuardedOutputDecoder.Decode<StringArrayOutput>(GovernanceAbi.InstanceDomainNames, strings, Cap).Value);

        byte[] addresses = NethereumAbi.Encode(GovernanceAbi.AllowedApplications.Outputs, [new object?[] { op, EthereumAddress.Zero }]);
        Assert.Equal([op, EthereumAddress.Zero], GuardedOutputDecoder.Decode<AddressArrayOutput>(GovernanceAbi.AllowedApplications, addresses, Cap).Value.Select(EthereumAddress.Parse));

        Assert.True(GuardedOutputDecoder.Decode<BoolOutput>(GovernanceAbi.IdentityAllowed, Word(1), Cap).Value);
        Assert.False(GuardedOutputDecoder.Decode<BoolOutput>(GovernanceAbi.IdentityAllowed, Word(0), Cap).Value);
    }

    public static TheoryData<string, string, string> Hostile => new()
    {
        { "bool of 2", "IdentityAllowed", Hex(Word(2)) },
        { "empty", "IdentityAllowed", "" },
        { "one byte", "IdentityAllowed", "01" },
        { "trailing word", "IdentityAllowed", Hex(Word(1)) + Hex(Word(5)) },
        { "dirty address", "owner", "ff" + new string('0', 22) + new string('1', 40) },
        { "array length 2^31-1 in 96 bytes", "AllowedApplications", Hex(Word(32)) + Hex(Word(int.MaxValue)) + Hex(Word(1)) },
        { "array length 2^255", "StorageBackends", Hex(Word(32)) + Hex(Word(BigInteger.One << 255)) },
        { "bytes length 2^31-1", "getArtifact", Hex(Word(32)) + Hex(Word(int.MaxValue)) },
        { "dirty bytes padding", "getArtifact", Hex(Word(32)) + Hex(Word(1)) + "61" + new string('1', 62) },
        { "offset with a gap", "getArtifact", Hex(Word(64)) + Hex(Word(0)) + Hex(Word(1)) + "61" + new string('0', 62) },
        { "invalid UTF-8", "StorageBackends", Hex(Word(32)) + Hex(Word(1)) + Hex(Word(32)) + Hex(Word(2)) + "c328" + new string('0', 60) },
        { "aliased offsets", "StorageBackends", AliasBomb() },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileReturnData_IsRejected(string what, string function, string hex)
    {
        AbiFunction descriptor = GovernanceAbi.Functions.Single(f => f.Name == function);
        byte[] data = Convert.FromHexString(hex);
        var error = Record.Exception(() => DecodeAny(descriptor, data, Cap));
        Assert.True(error is AbiDecodingException, $"{what}: {error?.GetType().Name ?? "accepted"}");
    }

    [Fact]
    public void DataLargerThanTheCap_IsRejectedUnread()
    {
        byte[] data = NethereumAbi.Encode(GovernanceAbi.GetArtifact.Outputs, [new byte[4096]]);
        Assert.Throws<AbiDecodingException>(() => GuardedOutputDecoder.Decode<BytesOutput>(GovernanceAbi.GetArtifact, data, 4096));
        Assert.Equal(4096, GuardedOutputDecoder.Decode<BytesOutput>(GovernanceAbi.GetArtifact, data, data.Length).Value.Length);
    }

    [Theory]
    [InlineData("fetchOnboardRequest")]
    [InlineData("InstanceDomainNames")]
    [InlineData("AllowedApplications")]
    [InlineData("PKI")]
    [InlineData("onboardRequests")]
    public void MutatedReturnData_IsDecodedCanonicallyOrRejected(string function)
    {
        AbiFunction descriptor = GovernanceAbi.Functions.Single(f => f.Name == function);
        var random = new Random(function.GetHashCode(StringComparison.Ordinal));
        byte[] valid = NethereumAbi.Encode(descriptor.Outputs, descriptor.Outputs.Select(t => Sample(t, random)).ToArray());
        for (int i = 0; i < 1500; i++)
        {
            byte[] data = Mutate(valid, random);
            var error = Record.Exception(() => DecodeAny(descriptor, data, Cap));
            Assert.True(error is null or AbiDecodingException, $"iteration {i}: {error}");
            if (error is null)
            {
                // Whatever passes is what the strict decoder reads too, in canonical form.
                Assert.Equal(data, NethereumAbi.Encode(descriptor.Outputs, AbiDecoder.Decode(descriptor.Outputs, data)));
            }
        }
    }

    [Fact]
    public void RandomReturnData_NeverEscapesAsAnotherException()
    {
        var random = new Random(42);
        foreach (AbiFunction descriptor in GovernanceAbi.Functions.Where(f => f.Outputs.Count > 0))
        {
            for (int i = 0; i < 200; i++)
            {
                byte[] data = new byte[random.Next(0, 8) * 32 + (random.Next(4) == 0 ? random.Next(1, 32) : 0)];
                random.NextBytes(data);
                for (int w = 0; w + 32 <= data.Length; w += 32)
                {
                    if (random.Next(2) == 0)
                    {
                        Array.Clear(data, w, 31);
                    }
                }

                var error = Record.Exception(() => DecodeAny(descriptor, data, Cap));
                Assert.True(error is null or AbiDecodingException, $"{descriptor}: {error}");
            }
        }
    }

    private static object DecodeAny(AbiFunction descriptor, byte[] data, int cap) => descriptor.Name switch
    {
        "IdentityAllowed" or "hasRole" or "ApplicationAllowed" or "supportsInterface" => GuardedOutputDecoder.Decode<BoolOutput>(descriptor, data, cap),
        "owner" => GuardedOutputDecoder.Decode<AddressOutput>(descriptor, data, cap),
        "AllowedApplications" => GuardedOutputDecoder.Decode<AddressArrayOutput>(descriptor, data, cap),
        "StorageBackends" or "InstanceDomainNames" => GuardedOutputDecoder.Decode<StringArrayOutput>(descriptor, data, cap),
        "getArtifact" => GuardedOutputDecoder.Decode<BytesOutput>(descriptor, data, cap),
        "PKI" => GuardedOutputDecoder.Decode<AppPkiOutput>(descriptor, data, cap),
        "fetchOnboardRequest" => GuardedOutputDecoder.Decode<OnboardRequestOutput>(descriptor, data, cap),
        "onboardRequests" => GuardedOutputDecoder.Decode<OnboardRequestFieldsOutput>(descriptor, data, cap),
        _ when descriptor.Outputs[0].CanonicalName == "uint256" => GuardedOutputDecoder.Decode<UInt256Output>(descriptor, data, cap),
        _ => GuardedOutputDecoder.Decode<Bytes32Output>(descriptor, data, cap),
    };

    private static object? Sample(AbiType type, Random random) => type.Kind switch
    {
        AbiTypeKind.Int or AbiTypeKind.UInt => new BigInteger(random.Next(1, 1000)),
        AbiTypeKind.Address => EthereumAddress.FromBytes(Enumerable.Range(0, 20).Select(_ => (byte)random.Next(256)).ToArray()),
        AbiTypeKind.Bytes => Enumerable.Range(0, random.Next(0, 80)).Select(_ => (byte)random.Next(256)).ToArray(),
        AbiTypeKind.String => new string('k', random.Next(0, 40)),
        AbiTypeKind.DynamicArray => Enumerable.Range(0, 3).Select(_ => Sample(type.Element!, random)).ToArray(),
        AbiTypeKind.Tuple => type.Components.Select(c => Sample(c, random)).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type.CanonicalName),
    };

    private static byte[] Mutate(byte[] valid, Random random)
    {
        byte[] data = valid.ToArray();
        switch (random.Next(5))
        {
            case 0:
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                data[random.Next(data.Length)] = (byte)random.Next(256);
                break;
            case 2:
                return data[..random.Next(data.Length)];
            case 3:
                return [.. data, .. new byte[random.Next(1, 64)]];
            default:
                int word = random.Next(data.Length / 32) * 32;
                Word(random.Next(4) == 0 ? BigInteger.One << random.Next(32, 256) : random.Next(0, 4096)).CopyTo(data, word);
                break;
        }

        return data;
    }

    private static string AliasBomb()
    {
        // 2,000 array elements whose offsets all point at one 64 KiB string: 128 MiB decoded from 190 KiB.
        const int count = 2000;
        var hex = new System.Text.StringBuilder();
        hex.Append(Hex(Word(32))).Append(Hex(Word(count)));
        for (int i = 0; i < count; i++)
        {
            hex.Append(Hex(Word(32 * count)));
        }

        return hex.Append(Hex(Word(64 * 1024))).Append(new string('6', 128 * 1024)).ToString();
    }

    private static byte[] Word(BigInteger value)
    {
        byte[] word = new byte[32];
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
