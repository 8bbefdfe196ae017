using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Nethereum.ABI.ABIDeserialisation;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;

namespace Kms.Governance.Tests.Abi;

/// <summary>
/// Test-side ABI encoding through Nethereum (the project no longer has an encoder of its own): builds call data,
/// return data and revert data in the value model of <see cref="AbiDecoder"/> (addresses as
/// <see cref="EthereumAddress"/>, tuples and arrays as object arrays).
/// </summary>
internal static class NethereumAbi
{
    private static readonly ABIStringSignatureDeserialiser s_signatures = new();
    private static readonly ParametersEncoder s_encoder = new();

    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values) =>
        types.Count == 0 ? [] : s_encoder.EncodeParameters(Parameters(types), ToNethereum(types, values));

    public static byte[] Encode(AbiType type, object? value) => Encode([type], [value]);

    public static byte[] EncodeCall(AbiFunction function, params object?[] arguments) => [.. function.Selector, .. Encode(function.Inputs, arguments)];

    public static byte[] EncodeError(AbiError error, params object?[] arguments) => [.. error.Selector, .. Encode(error.Parameters, arguments)];

    public static Parameter[] Parameters(IReadOnlyList<AbiType> types) =>
        types.Count == 0 ? [] : [.. s_signatures.ExtractParameters(string.Join(",", types.Select(t => t.CanonicalName)), false)];

    // Nethereum's value model: addresses as hex strings, arrays as lists, tuples as object arrays.
    public static object?[] ToNethereum(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values) => values.Select((v, i) => ToNethereum(types[i], v)).ToArray();

    private static object? ToNethereum(AbiType type, object? value) => (type.Kind, value) switch
    {
        (AbiTypeKind.Address, EthereumAddress address) => address.ToLowerHexString(),
        (AbiTypeKind.Tuple, object?[] items) => ToNethereum(type.Components, items),
        (AbiTypeKind.DynamicArray or AbiTypeKind.FixedArray, object?[] items) => items.Select(v => ToNethereum(type.Element!, v)).ToList(),
        (AbiTypeKind.UInt or AbiTypeKind.Int, int number) => new System.Numerics.BigInteger(number),
        (AbiTypeKind.UInt or AbiTypeKind.Int, uint number) => new System.Numerics.BigInteger(number),
        (AbiTypeKind.UInt or AbiTypeKind.Int, long number) => new System.Numerics.BigInteger(number),
        _ => value,
    };
}
