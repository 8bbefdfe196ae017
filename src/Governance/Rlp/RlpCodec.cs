using System.Numerics;

namespace Kms.Governance.Rlp;

/// <summary>Recursive Length Prefix encoding (Ethereum yellow paper, appendix B) with strict canonical decoding.</summary>
public static class RlpCodec
{
    /// <summary>Nesting limit for decoding (transactions need 3; bounds recursion on hostile input).</summary>
    public const int MaxDepth = 32;

    /// <summary>Encodes a byte string.</summary>
    public static byte[] EncodeBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < 0x80)
        {
            return [value[0]];
        }

        byte[] prefix = EncodeLength(value.Length, 0x80);
        return [.. prefix, .. value];
    }

    /// <summary>Encodes an unsigned integer as its minimal big-endian bytes (zero = empty string).</summary>
    public static byte[] EncodeUInt(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "RLP integers are unsigned.");
        }

        return EncodeBytes(value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    /// <summary>Encodes a list from already-encoded items.</summary>
    public static byte[] EncodeList(IEnumerable<byte[]> encodedItems)
    {
        ArgumentNullException.ThrowIfNull(encodedItems);
        byte[] payload = encodedItems.SelectMany(item => item).ToArray();
        return [.. EncodeLength(payload.Length, 0xc0), .. payload];
    }

    /// <summary>Encodes a list from already-encoded items.</summary>
    public static byte[] EncodeList(params byte[][] encodedItems) => EncodeList((IEnumerable<byte[]>)encodedItems);

    /// <summary>Decodes exactly one item that spans all of <paramref name="data"/>.</summary>
    /// <exception cref="RlpException">Malformed, non-canonical, truncated, trailing bytes, or too deep.</exception>
    public static RlpItem Decode(ReadOnlySpan<byte> data)
    {
        int position = 0;
        RlpItem item = DecodeItem(data, ref position, 0);
        if (position != data.Length)
        {
            throw new RlpException($"{data.Length - position} trailing bytes after the RLP item.");
        }

        return item;
    }

    private static RlpItem DecodeItem(ReadOnlySpan<byte> data, ref int position, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RlpException("RLP nesting is too deep.");
        }

        if (position >= data.Length)
        {
            throw new RlpException("The RLP data ends before an item.");
        }

        byte prefix = data[position++];
        if (prefix < 0x80)
        {
            return RlpItem.FromBytes([prefix]);
        }

        bool isList = prefix >= 0xc0;
        int shortBase = isList ? 0xc0 : 0x80;
        int length;
        if (prefix - shortBase <= 55)
        {
            length = prefix - shortBase;
        }
        else
        {
            int lengthOfLength = prefix - shortBase - 55;
            if (lengthOfLength > 4 || position + lengthOfLength > data.Length)
            {
                throw new RlpException("The RLP length prefix is truncated or too large.");
            }

            if (data[position] == 0)
            {
                throw new RlpException("The RLP length has a leading zero byte.");
            }

            long longLength = 0;
            for (int i = 0; i < lengthOfLength; i++)
            {
                longLength = (longLength << 8) | data[position++];
            }

            if (longLength <= 55)
            {
                throw new RlpException("A length of 55 or less must use the short RLP form.");
            }

            if (longLength > int.MaxValue)
            {
                throw new RlpException("The RLP length is too large.");
            }

            length = (int)longLength;
        }

        if (length > data.Length - position)
        {
            throw new RlpException("The RLP item runs past the end of the data.");
        }

        ReadOnlySpan<byte> payload = data.Slice(position, length);
        position += length;
        if (!isList)
        {
            if (length == 1 && payload[0] < 0x80)
            {
                throw new RlpException("A single byte below 0x80 must be encoded as itself.");
            }

            return RlpItem.FromBytes(payload.ToArray());
        }

        var items = new List<RlpItem>();
        int inner = 0;
        while (inner < payload.Length)
        {
            items.Add(DecodeItem(payload, ref inner, depth + 1));
        }

        return RlpItem.FromItems(items);
    }

    private static byte[] EncodeLength(int length, byte offset)
    {
        if (length <= 55)
        {
            return [(byte)(offset + length)];
        }

        byte[] lengthBytes = new BigInteger(length).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [(byte)(offset + 55 + lengthBytes.Length), .. lengthBytes];
    }
}
