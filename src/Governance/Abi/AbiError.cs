using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.Abi;

/// <summary>A Solidity custom error (or the built-in <c>Error(string)</c>/<c>Panic(uint256)</c>): selector and arguments.</summary>
// Ours: revert data is as hostile as return data and is decoded by the strict, bounded AbiDecoder (see RevertReason).
public sealed class AbiError
{
    private readonly byte[] _selector;

    private AbiError(string name, IReadOnlyList<AbiType> parameters)
    {
        Name = name;
        Parameters = parameters;
        Signature = name + "(" + string.Join(",", parameters.Select(t => t.CanonicalName)) + ")";
        _selector = Keccak256.HashData(Encoding.ASCII.GetBytes(Signature))[..4];
    }

    /// <summary><c>Error(string)</c>, produced by <c>require(cond, "reason")</c> and <c>revert("reason")</c>.</summary>
    public static AbiError ErrorString { get; } = Parse("Error(string)");

    /// <summary><c>Panic(uint256)</c>, produced by failed asserts, overflow, out-of-bounds access.</summary>
    public static AbiError Panic { get; } = Parse("Panic(uint256)");

    /// <summary>The error name.</summary>
    public string Name { get; }

    /// <summary>Parameter types.</summary>
    public IReadOnlyList<AbiType> Parameters { get; }

    /// <summary>The canonical signature.</summary>
    public string Signature { get; }

    /// <summary>The 4-byte selector.</summary>
    public ReadOnlySpan<byte> Selector => _selector;

    /// <summary>Parses <c>Name(types)</c>.</summary>
    public static AbiError Parse(string declaration)
    {
        AbiFunction shape = AbiFunction.Parse(declaration.Trim().StartsWith("error ", StringComparison.Ordinal) ? declaration.Trim()[6..] : declaration);
        return new AbiError(shape.Name, shape.Inputs);
    }

    /// <summary>Whether revert data starts with this error's selector.</summary>
    public bool Matches(ReadOnlySpan<byte> revertData) => revertData.Length >= 4 && revertData[..4].SequenceEqual(_selector);

    /// <summary>Decodes the arguments of revert data that starts with this error's selector.</summary>
    public object?[] DecodeArguments(ReadOnlySpan<byte> revertData)
    {
        if (!Matches(revertData))
        {
            throw new AbiDecodingException($"The revert data is not a {Signature}.");
        }

        return AbiDecoder.Decode(Parameters, revertData[4..]);
    }

    /// <inheritdoc/>
    public override string ToString() => Signature;
}
