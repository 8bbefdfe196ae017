using System.Numerics;
using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.Abi;

/// <summary>
/// Strict Solidity ABI decoding of untrusted data (return data, event data, revert data). Every offset and length
/// is checked against the data, values must be canonical, and the total allocation is bounded by a small multiple
/// of the input (offsets may alias, so a naive decoder could be made to allocate far more than it received).
/// </summary>
// Ours, in front of Nethereum.ABI's ParameterDecoder (the bounded pre-walk of GuardedOutputDecoder/GuardedEventDecoder and the revert decoder): Nethereum 6.1.0 accepts non-canonical words and a 96-byte reply with an array length of 2^31-1 made it allocate until the OOM killer struck.
public static class AbiDecoder
{
    private const int AllocationFactor = 4;
    private const int AllocationSlack = 4096;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes the tuple of <paramref name="types"/> from <paramref name="data"/>.</summary>
    /// <exception cref="AbiDecodingException">The data is malformed for these types.</exception>
    public static object?[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        var state = new State((long)data.Length * AllocationFactor + AllocationSlack);
        return DecodeSequence(data, 0, data.Length, types, ref state);
    }

    /// <summary>Decodes a single value of <paramref name="type"/> encoded as a one-element tuple.</summary>
    public static object? Decode(AbiType type, ReadOnlySpan<byte> data) => Decode([type], data)[0];

    /// <summary>Decodes one static value from a single 32-byte word (an indexed event topic).</summary>
    public static object DecodeWord(AbiType type, ReadOnlySpan<byte> word)
    {
        if (word.Length != 32 || type.IsDynamic || type.Kind is AbiTypeKind.Tuple or AbiTypeKind.FixedArray)
        {
            throw new AbiDecodingException($"{type} cannot be decoded from a single word.");
        }

        return DecodeStatic(word, type);
    }

    private static object?[] DecodeSequence(ReadOnlySpan<byte> data, int start, int end, IReadOnlyList<AbiType> types, ref State state)
    {
        // "start" is where this tuple's head begins; offsets are relative to it. "end" bounds this tuple's region.
        var result = new object?[types.Count];
        state.Charge(8L * types.Count);
        int head = start;
        for (int i = 0; i < types.Count; i++)
        {
            AbiType type = types[i];
            if (type.IsDynamic)
            {
                int offset = ReadLength(data, head, end, "offset");
                long target = (long)start + offset;
                if (target > end || target < start)
                {
                    throw new AbiDecodingException($"Offset {offset} points outside the data.");
                }

                result[i] = DecodeValue(data, (int)target, end, type, ref state);
            }
            else
            {
                result[i] = DecodeValue(data, head, end, type, ref state);
            }

            head += type.HeadSize;
        }

        return result;
    }

    private static object? DecodeValue(ReadOnlySpan<byte> data, int position, int end, AbiType type, ref State state)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Bytes:
            case AbiTypeKind.String:
            {
                int length = ReadLength(data, position, end, "length");
                int bodyStart = position + 32;
                if ((long)bodyStart + length > end)
                {
                    throw new AbiDecodingException($"A {type} of length {length} runs past the end of the data.");
                }

                state.Charge(length);
                ReadOnlySpan<byte> body = data.Slice(bodyStart, length);
                int padded = (int)Math.Min(end - bodyStart, ((long)length + 31) / 32 * 32);
                if (data.Slice(bodyStart + length, padded - length).ContainsAnyExcept((byte)0))
                {
                    throw new AbiDecodingException($"The padding of a {type} value is not zero.");
                }

                if (type.Kind == AbiTypeKind.Bytes)
                {
                    return body.ToArray();
                }

                try
                {
                    return s_strictUtf8.GetString(body);
                }
                catch (DecoderFallbackException)
                {
                    throw new AbiDecodingException("A string value is not valid UTF-8.");
                }
            }

            case AbiTypeKind.DynamicArray:
            {
                int count = ReadLength(data, position, end, "array length");
                int elementsStart = position + 32;
                AbiType element = type.Element!;
                if ((long)count * Math.Max(element.HeadSize, 32) > end - elementsStart)
                {
                    throw new AbiDecodingException($"An array of {count} elements does not fit in the data.");
                }

                state.Charge(8L * count);

                return DecodeSequence(data, elementsStart, end, Repeat(element, count), ref state);
            }

            case AbiTypeKind.FixedArray:
                EnsureAvailable(position, type.HeadSize, end, type);
                return DecodeSequence(data, position, end, Repeat(type.Element!, type.Size), ref state);
            case AbiTypeKind.Tuple:
                EnsureAvailable(position, type.Components.Sum(c => c.HeadSize), end, type);
                return DecodeSequence(data, position, end, type.Components, ref state);
            default:
                EnsureAvailable(position, 32, end, type);
                return DecodeStatic(data.Slice(position, 32), type);
        }
    }

    private static object DecodeStatic(ReadOnlySpan<byte> word, AbiType type)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Bool:
                if (word[..31].ContainsAnyExcept((byte)0) || word[31] > 1)
                {
                    throw new AbiDecodingException("A bool is not 0 or 1.");
                }

                return word[31] == 1;
            case AbiTypeKind.Address:
                if (word[..12].ContainsAnyExcept((byte)0))
                {
                    throw new AbiDecodingException("An address has non-zero high bytes.");
                }

                return EthereumAddress.FromBytes(word[12..]);
            case AbiTypeKind.FixedBytes:
                if (word[type.Size..].ContainsAnyExcept((byte)0))
                {
                    throw new AbiDecodingException($"The padding of a {type} value is not zero.");
                }

                return word[..type.Size].ToArray();
            case AbiTypeKind.UInt:
            {
                var value = new BigInteger(word, isUnsigned: true, isBigEndian: true);
                if (value.GetBitLength() > type.Size)
                {
                    throw new AbiDecodingException($"A {type} value is out of range.");
                }

                return value;
            }

            case AbiTypeKind.Int:
            {
                var value = new BigInteger(word, isUnsigned: false, isBigEndian: true);
                BigInteger limit = BigInteger.One << (type.Size - 1);
                if (value < -limit || value >= limit)
                {
                    throw new AbiDecodingException($"A {type} value is out of range (not sign-extended).");
                }

                return value;
            }

            default:
                throw new AbiDecodingException($"{type} is not a static elementary type.");
        }
    }

    private static int ReadLength(ReadOnlySpan<byte> data, int position, int end, string what)
    {
        if ((long)position + 32 > end)
        {
            throw new AbiDecodingException($"The data ends before a {what} word.");
        }

        ReadOnlySpan<byte> word = data.Slice(position, 32);
        if (word[..28].ContainsAnyExcept((byte)0))
        {
            throw new AbiDecodingException($"A {what} is too large.");
        }

        uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(word[28..]);
        if (value > int.MaxValue)
        {
            throw new AbiDecodingException($"A {what} is too large.");
        }

        return (int)value;
    }

    private static void EnsureAvailable(int position, int size, int end, AbiType type)
    {
        if ((long)position + size > end)
        {
            throw new AbiDecodingException($"The data ends inside a {type} value.");
        }
    }

    private static AbiType[] Repeat(AbiType type, int count)
    {
        var types = new AbiType[count];
        Array.Fill(types, type);
        return types;
    }

    private struct State(long budget)
    {
        private long _remaining = budget;

        public void Charge(long bytes)
        {
            _remaining -= bytes;
            if (_remaining < 0)
            {
                throw new AbiDecodingException("Decoding would allocate far more than the size of the data (aliased offsets?).");
            }
        }
    }
}
