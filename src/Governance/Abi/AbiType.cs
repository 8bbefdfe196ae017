using System.Globalization;

namespace Kms.Governance.Abi;

/// <summary>The kinds of Solidity ABI types.</summary>
public enum AbiTypeKind
{
    /// <summary>uintN.</summary>
    UInt,
    /// <summary>intN.</summary>
    Int,
    /// <summary>address (20 bytes).</summary>
    Address,
    /// <summary>bool.</summary>
    Bool,
    /// <summary>bytes1..bytes32.</summary>
    FixedBytes,
    /// <summary>bytes (dynamic).</summary>
    Bytes,
    /// <summary>string (dynamic, UTF-8).</summary>
    String,
    /// <summary>T[] (dynamic length).</summary>
    DynamicArray,
    /// <summary>T[k].</summary>
    FixedArray,
    /// <summary>(T1,…,Tn).</summary>
    Tuple,
}

/// <summary>
/// A parsed Solidity ABI type. Values produced by <see cref="AbiDecoder"/>:
/// uintN/intN ↔ <see cref="System.Numerics.BigInteger"/>,
/// address ↔ <see cref="Kms.Crypto.Ethereum.EthereumAddress"/>, bool ↔ bool, bytesN/bytes ↔ byte[],
/// string ↔ string, arrays and tuples ↔ object[].
/// </summary>
public sealed class AbiType
{
    /// <summary>Nesting limit for parsed types (no contract needs more; bounds recursion).</summary>
    public const int MaxDepth = 16;

    /// <summary>Largest static (inline) size accepted for a type, in bytes.</summary>
    public const int MaxStaticSize = 1 << 20;

    private AbiType(AbiTypeKind kind, int size, AbiType? element, IReadOnlyList<AbiType> components)
    {
        Kind = kind;
        Size = size;
        Element = element;
        Components = components;
        CanonicalName = kind switch
        {
            AbiTypeKind.UInt => "uint" + size.ToString(CultureInfo.InvariantCulture),
            AbiTypeKind.Int => "int" + size.ToString(CultureInfo.InvariantCulture),
            AbiTypeKind.Address => "address",
            AbiTypeKind.Bool => "bool",
            AbiTypeKind.FixedBytes => "bytes" + size.ToString(CultureInfo.InvariantCulture),
            AbiTypeKind.Bytes => "bytes",
            AbiTypeKind.String => "string",
            AbiTypeKind.DynamicArray => element!.CanonicalName + "[]",
            AbiTypeKind.FixedArray => element!.CanonicalName + "[" + size.ToString(CultureInfo.InvariantCulture) + "]",
            _ => "(" + string.Join(",", components.Select(c => c.CanonicalName)) + ")",
        };
        IsDynamic = kind switch
        {
            AbiTypeKind.Bytes or AbiTypeKind.String or AbiTypeKind.DynamicArray => true,
            AbiTypeKind.FixedArray => element!.IsDynamic,
            AbiTypeKind.Tuple => components.Any(c => c.IsDynamic),
            _ => false,
        };
        HeadSize = IsDynamic ? 32 : kind switch
        {
            AbiTypeKind.FixedArray => checked(size * element!.HeadSize),
            AbiTypeKind.Tuple => components.Sum(c => c.HeadSize),
            _ => 32,
        };
    }

    /// <summary>The kind of type.</summary>
    public AbiTypeKind Kind { get; }

    /// <summary>Bits for uintN/intN, bytes for bytesN, length for T[k]; otherwise 0.</summary>
    public int Size { get; }

    /// <summary>Element type of arrays.</summary>
    public AbiType? Element { get; }

    /// <summary>Components of tuples (empty otherwise).</summary>
    public IReadOnlyList<AbiType> Components { get; }

    /// <summary>The canonical name used in signatures, e.g. <c>(bytes,bytes[4])[]</c>.</summary>
    public string CanonicalName { get; }

    /// <summary>Whether the encoding is dynamic (referenced by an offset from its parent's head).</summary>
    public bool IsDynamic { get; }

    /// <summary>Bytes this type occupies in its parent's head (32 for dynamic types).</summary>
    public int HeadSize { get; }

    /// <summary>uint256.</summary>
    public static AbiType UInt256 { get; } = new(AbiTypeKind.UInt, 256, null, []);

    /// <summary>address.</summary>
    public static AbiType Address { get; } = new(AbiTypeKind.Address, 0, null, []);

    /// <summary>bool.</summary>
    public static AbiType Bool { get; } = new(AbiTypeKind.Bool, 0, null, []);

    /// <summary>bytes32.</summary>
    public static AbiType Bytes32 { get; } = new(AbiTypeKind.FixedBytes, 32, null, []);

    /// <summary>bytes.</summary>
    public static AbiType DynamicBytes { get; } = new(AbiTypeKind.Bytes, 0, null, []);

    /// <summary>string.</summary>
    public static AbiType String { get; } = new(AbiTypeKind.String, 0, null, []);

    /// <summary>A tuple of the given component types.</summary>
    public static AbiType Tuple(params AbiType[] components) => new(AbiTypeKind.Tuple, 0, null, components.ToArray());

    /// <summary>Parses a canonical type name such as <c>uint32</c>, <c>bytes[4]</c> or <c>(bytes,int256,address,bytes)</c>.</summary>
    /// <exception cref="FormatException">Unknown or malformed type.</exception>
    public static AbiType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int position = 0;
        AbiType type = ParseType(text, ref position, 0);
        if (position != text.Length)
        {
            throw new FormatException($"Unexpected '{text[position]}' at {position} in ABI type '{text}'.");
        }

        return type;
    }

    /// <summary>Parses a parenthesized, comma-separated list such as <c>(bytes32,address)</c> or <c>()</c>.</summary>
    public static IReadOnlyList<AbiType> ParseList(string text)
    {
        AbiType tuple = Parse(text.Trim());
        if (tuple.Kind != AbiTypeKind.Tuple)
        {
            throw new FormatException($"'{text}' is not a parenthesized type list.");
        }

        return tuple.Components;
    }

    /// <inheritdoc/>
    public override string ToString() => CanonicalName;

    internal static AbiType ParseType(string text, ref int position, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("ABI type nesting is too deep.");
        }

        AbiType type;
        if (position < text.Length && text[position] == '(')
        {
            position++;
            var components = new List<AbiType>();
            if (position < text.Length && text[position] == ')')
            {
                position++;
            }
            else
            {
                while (true)
                {
                    components.Add(ParseType(text, ref position, depth + 1));
                    SkipParameterName(text, ref position);
                    if (position >= text.Length)
                    {
                        throw new FormatException($"Unterminated tuple in ABI type '{text}'.");
                    }

                    char c = text[position++];
                    if (c == ')')
                    {
                        break;
                    }

                    if (c != ',')
                    {
                        throw new FormatException($"Expected ',' or ')' in ABI type '{text}'.");
                    }

                    while (position < text.Length && text[position] == ' ')
                    {
                        position++;
                    }
                }
            }

            type = new AbiType(AbiTypeKind.Tuple, 0, null, components);
        }
        else
        {
            int start = position;
            while (position < text.Length && char.IsAsciiLetterOrDigit(text[position]))
            {
                position++;
            }

            type = ParseElementary(text[start..position]);
        }

        while (position < text.Length && text[position] == '[')
        {
            int close = text.IndexOf(']', position);
            if (close < 0)
            {
                throw new FormatException($"Unterminated array suffix in ABI type '{text}'.");
            }

            string length = text[(position + 1)..close];
            position = close + 1;
            if (++depth > MaxDepth)
            {
                throw new FormatException("ABI type nesting is too deep.");
            }

            if (length.Length == 0)
            {
                type = new AbiType(AbiTypeKind.DynamicArray, 0, type, []);
            }
            else if (int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is > 0 and <= 65536 && length[0] != '0'
                && (type.IsDynamic || (long)k * type.HeadSize <= MaxStaticSize))
            {
                type = new AbiType(AbiTypeKind.FixedArray, k, type, []);
            }
            else
            {
                throw new FormatException($"Invalid array length '{length}' in ABI type '{text}'.");
            }
        }

        return type;
    }

    private static void SkipParameterName(string text, ref int position)
    {
        // Allows human-readable lists such as "(bytes32 identity, address operator)" and "indexed" markers are handled by AbiEvent.
        if (position < text.Length && text[position] == ' ')
        {
            position++;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
            {
                position++;
            }
        }
    }

    private static AbiType ParseElementary(string name)
    {
        switch (name)
        {
            case "address":
                return Address;
            case "bool":
                return Bool;
            case "bytes":
                return DynamicBytes;
            case "string":
                return String;
            case "uint":
                return UInt256;
            case "int":
                return new AbiType(AbiTypeKind.Int, 256, null, []);
        }

        if (TrySuffix(name, "uint", out int bits) && bits % 8 == 0 && bits is >= 8 and <= 256)
        {
            return bits == 256 ? UInt256 : new AbiType(AbiTypeKind.UInt, bits, null, []);
        }

        if (TrySuffix(name, "int", out bits) && bits % 8 == 0 && bits is >= 8 and <= 256)
        {
            return new AbiType(AbiTypeKind.Int, bits, null, []);
        }

        if (TrySuffix(name, "bytes", out int size) && size is >= 1 and <= 32)
        {
            return size == 32 ? Bytes32 : new AbiType(AbiTypeKind.FixedBytes, size, null, []);
        }

        throw new FormatException($"Unknown ABI type '{name}'.");
    }

    private static bool TrySuffix(string name, string prefix, out int value)
    {
        value = 0;
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && name.Length > prefix.Length
            && name[prefix.Length] != '0'
            && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
