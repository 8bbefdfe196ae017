using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Nethereum.ABI.ABIDeserialisation;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;

namespace Kms.Governance.Tests.Abi;

/// <summary>
/// Our strict decoder against Nethereum (an independent implementation): every governance function's call data and
/// return data, with random values, encoded by Nethereum, decode to the same values with ours and with Nethereum's.
/// </summary>
public sealed class AbiNethereumDifferentialTests
{
    public static TheoryData<string> Functions => new(GovernanceAbi.Functions.Select(f => f.Signature));

    [Theory]
    [MemberData(nameof(Functions))]
    public void CallDataAndReturnData_EqualNethereum(string signature)
    {
        AbiFunction function = GovernanceAbi.Functions.Single(f => f.Signature == signature);
        Parameter[] inputParameters = NethereumAbi.Parameters(function.Inputs);
        Parameter[] outputParameters = NethereumAbi.Parameters(function.Outputs);
        var random = new Random(signature.GetHashCode(StringComparison.Ordinal));

        for (int i = 0; i < 10; i++)
        {
            object?[] inputs = function.Inputs.Select(t => RandomValue(t, random)).ToArray();
            byte[] call = [.. function.Selector, .. new ParametersEncoder().EncodeParameters(inputParameters, NethereumAbi.ToNethereum(function.Inputs, inputs))];
            Assert.Equal(Normalize(inputs), Normalize(function.DecodeCall(call)));

            object?[] outputs = function.Outputs.Select(t => RandomValue(t, random)).ToArray();
            byte[] returnData = new ParametersEncoder().EncodeParameters(outputParameters, NethereumAbi.ToNethereum(function.Outputs, outputs));
            Assert.Equal(Normalize(outputs), Normalize(function.DecodeOutput(returnData)));
            Assert.Equal(Normalize(outputs), Normalize(FromNethereum(new ParameterDecoder().DecodeDefaultData(returnData, outputParameters))));
        }
    }

    private static object? RandomValue(AbiType type, Random random) => type.Kind switch
    {
        AbiTypeKind.UInt => RandomInteger(random, type.Size, signed: false),
        AbiTypeKind.Int => RandomInteger(random, type.Size, signed: true),
        AbiTypeKind.Address => EthereumAddress.FromBytes(RandomBytes(random, 20)),
        AbiTypeKind.Bool => random.Next(2) == 1,
        AbiTypeKind.FixedBytes => RandomBytes(random, type.Size),
        AbiTypeKind.Bytes => RandomBytes(random, random.Next(0, 70)),
        AbiTypeKind.String => new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray()),
        AbiTypeKind.DynamicArray => Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(type.Element!, random)).ToArray(),
        AbiTypeKind.FixedArray => Enumerable.Range(0, type.Size).Select(_ => RandomValue(type.Element!, random)).ToArray(),
        AbiTypeKind.Tuple => type.Components.Select(c => RandomValue(c, random)).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static BigInteger RandomInteger(Random random, int bits, bool signed)
    {
        var value = new BigInteger(RandomBytes(random, bits / 8), isUnsigned: true, isBigEndian: true);
        return signed && value >= BigInteger.One << (bits - 1) ? value - (BigInteger.One << bits) : value;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static object?[] FromNethereum(List<ParameterOutput> outputs) => outputs.Select(o => FromNethereumValue(o.Result)).ToArray();

    private static object? FromNethereumValue(object? value) => value switch
    {
        List<ParameterOutput> tuple => FromNethereum(tuple),
        string text when text.StartsWith("0x", StringComparison.Ordinal) && text.Length == 42 => EthereumAddress.Parse(text),
        byte[] bytes => bytes,
        string text => text,
        System.Collections.IEnumerable items => items.Cast<object?>().Select(FromNethereumValue).ToArray(),
        _ => value,
    };

    // A comparable rendering (byte arrays and nested arrays compare by content).
    private static string Normalize(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        EthereumAddress address => address.ToLowerHexString(),
        object?[] items => "[" + string.Join(",", items.Select(Normalize)) + "]",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null",
    };
}
