using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.Abi;

/// <summary>
/// A contract function: its canonical signature, 4-byte selector and strict decoding of its call and return data.
/// Created from a signature such as <c>IdentityAllowed(bytes32,address) returns (bool)</c>.
/// </summary>
// Ours beside Nethereum's FunctionABI: it carries the full tuple types of the outputs (Nethereum's names a tuple output
// just "tuple"), which the bounded pre-walk of GuardedOutputDecoder needs; call data is encoded by Nethereum.
public sealed class AbiFunction
{
    private readonly byte[] _selector;

    private AbiFunction(string name, IReadOnlyList<AbiType> inputs, IReadOnlyList<AbiType> outputs)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Signature = name + "(" + string.Join(",", inputs.Select(t => t.CanonicalName)) + ")";
        _selector = Keccak256.HashData(Encoding.ASCII.GetBytes(Signature))[..4];
    }

    /// <summary>The function name.</summary>
    public string Name { get; }

    /// <summary>Parameter types.</summary>
    public IReadOnlyList<AbiType> Inputs { get; }

    /// <summary>Return types.</summary>
    public IReadOnlyList<AbiType> Outputs { get; }

    /// <summary>The canonical signature, e.g. <c>setPKI((bytes,bytes,bytes))</c>.</summary>
    public string Signature { get; }

    /// <summary>The first 4 bytes of keccak256(signature).</summary>
    public ReadOnlySpan<byte> Selector => _selector;

    /// <summary>Parses <c>name(types) [returns (types)]</c>; parameter names after types are ignored.</summary>
    /// <exception cref="FormatException">Malformed signature.</exception>
    public static AbiFunction Parse(string declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        string text = declaration.Trim();
        if (text.StartsWith("function ", StringComparison.Ordinal))
        {
            text = text["function ".Length..];
        }

        int open = text.IndexOf('(');
        if (open <= 0 || !IsIdentifier(text.AsSpan(0, open)))
        {
            throw new FormatException($"'{declaration}' is not a function signature.");
        }

        int position = open;
        AbiType inputs = AbiType.ParseType(text, ref position, 0);
        string rest = text[position..].Trim();
        IReadOnlyList<AbiType> outputs = [];
        if (rest.Length > 0)
        {
            foreach (string modifier in new[] { "external", "public", "view", "pure", "payable", "nonpayable" })
            {
                rest = rest.Replace(modifier + " ", string.Empty, StringComparison.Ordinal);
            }

            if (!rest.StartsWith("returns", StringComparison.Ordinal))
            {
                throw new FormatException($"Unexpected '{rest}' in '{declaration}'.");
            }

            outputs = AbiType.ParseList(rest["returns".Length..].Trim());
        }

        return new AbiFunction(text[..open], inputs.Components, outputs);
    }

    /// <summary>Decodes call data (selector checked) back into arguments.</summary>
    /// <exception cref="AbiDecodingException">Wrong selector or malformed arguments.</exception>
    public object?[] DecodeCall(ReadOnlySpan<byte> callData)
    {
        if (callData.Length < 4 || !callData[..4].SequenceEqual(_selector))
        {
            throw new AbiDecodingException($"The call data does not start with the selector of {Signature}.");
        }

        return AbiDecoder.Decode(Inputs, callData[4..]);
    }

    /// <summary>Decodes return data.</summary>
    /// <exception cref="AbiDecodingException">Malformed return data.</exception>
    public object?[] DecodeOutput(ReadOnlySpan<byte> returnData) => AbiDecoder.Decode(Outputs, returnData);

    /// <inheritdoc/>
    public override string ToString() => Signature;

    internal static bool IsIdentifier(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                return false;
            }
        }

        return true;
    }
}
