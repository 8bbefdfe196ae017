using System.Numerics;
using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.Abi;

/// <summary>Solidity ABI encoding (head/tail layout of the contract ABI specification).</summary>
// Ours beside the strict decoder (one type and value model); AbiNethereumDifferentialTests shows it encodes every governance function exactly as Nethereum.ABI does.
public static class AbiEncoder
{
    /// <summary>Encodes <paramref name="values"/> as the tuple of <paramref name="types"/> (function arguments, return data).</summary>
    /// <exception cref="ArgumentException">A value does not fit its type (wrong CLR type, out of range, wrong length).</exception>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        using var stream = new MemoryStream();
        EncodeSequence(stream, types, values, "value");
        return stream.ToArray();
    }

    /// <summary>Encodes one value of <paramref name="type"/> as a single-element tuple.</summary>
    public static byte[] Encode(AbiType type, object? value) => Encode([type], [value]);

    /// <summary>
    /// Solidity's <c>abi.encodePacked</c> for elementary types (used for identities and event topics of indexed
    /// dynamic values): no padding for elementary values, 32-byte elements inside arrays.
    /// </summary>
    public static byte[] EncodePacked(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        if (types.Count != values.Count)
        {
            throw new ArgumentException($"Expected {types.Count} values, got {values.Count}.", nameof(values));
        }

        using var stream = new MemoryStream();
        Span<byte> word = stackalloc byte[32];
        for (int i = 0; i < types.Count; i++)
        {
            AbiType type = types[i];
            switch (type.Kind)
            {
                case AbiTypeKind.Bytes:
                    stream.Write(AsBytes(values[i], "value"));
                    break;
                case AbiTypeKind.String:
                    stream.Write(Encoding.UTF8.GetBytes(AsString(values[i], "value")));
                    break;
                case AbiTypeKind.Address:
                    stream.Write(AsAddress(values[i], "value").Bytes);
                    break;
                case AbiTypeKind.FixedBytes:
                    stream.Write(AsFixedBytes(values[i], type.Size, "value"));
                    break;
                case AbiTypeKind.Bool or AbiTypeKind.UInt or AbiTypeKind.Int:
                    EncodeStaticWord(word, type, values[i], "value");
                    stream.Write(word[(32 - (type.Kind == AbiTypeKind.Bool ? 1 : type.Size / 8))..]);
                    break;
                default:
                    throw new ArgumentException($"encodePacked of {type} is not supported.", nameof(types));
            }
        }

        return stream.ToArray();
    }

    private static void EncodeSequence(MemoryStream stream, IReadOnlyList<AbiType> types, IReadOnlyList<object?> values, string path)
    {
        if (types.Count != values.Count)
        {
            throw new ArgumentException($"{path}: expected {types.Count} values, got {values.Count}.");
        }

        int headLength = types.Sum(t => t.HeadSize);
        long start = stream.Position;
        stream.Write(new byte[headLength]);
        long headPosition = start;
        for (int i = 0; i < types.Count; i++)
        {
            AbiType type = types[i];
            string itemPath = $"{path}[{i}]";
            if (type.IsDynamic)
            {
                long offset = stream.Position - start;
                long tailPosition = stream.Position;
                stream.Position = headPosition;
                stream.Write(UIntWord(offset));
                stream.Position = tailPosition;
                EncodeValue(stream, type, values[i], itemPath);
            }
            else
            {
                long tailPosition = stream.Position;
                stream.Position = headPosition;
                EncodeValue(stream, type, values[i], itemPath);
                stream.Position = tailPosition;
            }

            headPosition += type.HeadSize;
        }
    }

    private static void EncodeValue(MemoryStream stream, AbiType type, object? value, string path)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Bytes:
                WriteDynamicBytes(stream, AsBytes(value, path));
                break;
            case AbiTypeKind.String:
                WriteDynamicBytes(stream, Encoding.UTF8.GetBytes(AsString(value, path)));
                break;
            case AbiTypeKind.DynamicArray:
            {
                object?[] items = AsArray(value, path);
                stream.Write(UIntWord(items.Length));
                EncodeSequence(stream, Enumerable.Repeat(type.Element!, items.Length).ToArray(), items, path);
                break;
            }

            case AbiTypeKind.FixedArray:
            {
                object?[] items = AsArray(value, path);
                if (items.Length != type.Size)
                {
                    throw new ArgumentException($"{path}: {type} needs {type.Size} elements, got {items.Length}.");
                }

                EncodeSequence(stream, Enumerable.Repeat(type.Element!, items.Length).ToArray(), items, path);
                break;
            }

            case AbiTypeKind.Tuple:
                EncodeSequence(stream, type.Components, AsArray(value, path), path);
                break;
            default:
                Span<byte> word = stackalloc byte[32];
                EncodeStaticWord(word, type, value, path);
                stream.Write(word);
                break;
        }
    }

    private static void EncodeStaticWord(Span<byte> word, AbiType type, object? value, string path)
    {
        word.Clear();
        switch (type.Kind)
        {
            case AbiTypeKind.Bool:
                word[31] = value is bool b ? (b ? (byte)1 : (byte)0) : throw new ArgumentException($"{path}: bool expected.");
                break;
            case AbiTypeKind.Address:
                AsAddress(value, path).Bytes.CopyTo(word[12..]);
                break;
            case AbiTypeKind.FixedBytes:
                AsFixedBytes(value, type.Size, path).CopyTo(word);
                break;
            case AbiTypeKind.UInt:
            {
                BigInteger v = AsInteger(value, path);
                if (v.Sign < 0 || v.GetBitLength() > type.Size)
                {
                    throw new ArgumentException($"{path}: {v} does not fit {type}.");
                }

                v.TryWriteBytes(word[(32 - v.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
                break;
            }

            case AbiTypeKind.Int:
            {
                BigInteger v = AsInteger(value, path);
                BigInteger limit = BigInteger.One << (type.Size - 1);
                if (v < -limit || v >= limit)
                {
                    throw new ArgumentException($"{path}: {v} does not fit {type}.");
                }

                if (v.Sign < 0)
                {
                    word.Fill(0xff);
                }

                int count = v.GetByteCount();
                v.TryWriteBytes(word[(32 - count)..], out _, isUnsigned: false, isBigEndian: true);
                break;
            }

            default:
                throw new ArgumentException($"{path}: {type} is not a static elementary type.");
        }
    }

    private static void WriteDynamicBytes(MemoryStream stream, byte[] bytes)
    {
        stream.Write(UIntWord(bytes.Length));
        stream.Write(bytes);
        int padding = (32 - (bytes.Length % 32)) % 32;
        stream.Write(new byte[padding]);
    }

    private static byte[] UIntWord(long value)
    {
        byte[] word = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(word.AsSpan(24), value);
        return word;
    }

    private static BigInteger AsInteger(object? value, string path) => value switch
    {
        BigInteger v => v,
        int v => v,
        long v => v,
        uint v => v,
        ulong v => v,
        short v => v,
        ushort v => v,
        byte v => v,
        sbyte v => v,
        _ => throw new ArgumentException($"{path}: an integer is expected, got {value?.GetType().Name ?? "null"}."),
    };

    private static EthereumAddress AsAddress(object? value, string path) =>
        value is EthereumAddress address ? address : throw new ArgumentException($"{path}: EthereumAddress expected.");

    private static byte[] AsBytes(object? value, string path) => value switch
    {
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory.ToArray(),
        _ => throw new ArgumentException($"{path}: byte[] expected."),
    };

    private static byte[] AsFixedBytes(object? value, int size, string path)
    {
        byte[] bytes = AsBytes(value, path);
        return bytes.Length == size ? bytes : throw new ArgumentException($"{path}: bytes{size} needs exactly {size} bytes, got {bytes.Length}.");
    }

    private static string AsString(object? value, string path) =>
        value as string ?? throw new ArgumentException($"{path}: string expected.");

    private static object?[] AsArray(object? value, string path) => value switch
    {
        object?[] array => array,
        System.Collections.IEnumerable enumerable and not string and not byte[] => enumerable.Cast<object?>().ToArray(),
        _ => throw new ArgumentException($"{path}: an array or tuple (object[]) is expected."),
    };
}
