namespace Kms.Governance.Rlp;

/// <summary>A pre-decoding check of RLP structure: every length fits its enclosing list and lists nest at most a given depth.</summary>
// Ours: Nethereum.RLP 6.1.0 recurses once per nested list with no limit: 30,000 levels (90 KiB) took 47 s to reject and
// 42,000 levels overflowed the stack and killed the process, so untrusted RLP is walked here, iteratively, first.
internal static class RlpNesting
{
    /// <summary>Walks <paramref name="data"/> without recursion.</summary>
    /// <exception cref="RlpException">A length runs past its list or the data, or lists nest deeper than <paramref name="maxDepth"/>.</exception>
    public static void EnsureAtMost(ReadOnlySpan<byte> data, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        Span<int> ends = stackalloc int[maxDepth + 1];
        ends[0] = data.Length;
        int depth = 0;
        int position = 0;
        while (position < data.Length)
        {
            while (depth > 0 && position == ends[depth])
            {
                depth--;
            }

            (int headerLength, int payloadLength, bool isList) = ReadHeader(data, position);
            long end = (long)position + headerLength + payloadLength;
            if (end > ends[depth])
            {
                throw new RlpException("An RLP item runs past the end of its list.");
            }

            if (!isList)
            {
                position = (int)end;
                continue;
            }

            if (++depth > maxDepth)
            {
                throw new RlpException($"RLP lists nest deeper than {maxDepth} levels.");
            }

            ends[depth] = (int)end;
            position += headerLength;
        }
    }

    /// <summary>
    /// Checks that <paramref name="data"/> is one list and that its item <paramref name="index"/> is itself a list.
    /// </summary>
    /// <remarks>Nethereum decodes the access list of a transaction by decoding that field's bytes again, recursively,
    /// even when the field is a byte string: a string whose content nests deeply would bypass
    /// <see cref="EnsureAtMost"/>, which treats strings as opaque. Requiring a list keeps the whole field walked.</remarks>
    /// <exception cref="RlpException">The data is not one list, has fewer items, or the item is not a list.</exception>
    public static void EnsureItemIsList(ReadOnlySpan<byte> data, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (data.IsEmpty)
        {
            throw new RlpException("The RLP data is empty.");
        }

        (int headerLength, int payloadLength, bool isList) = ReadHeader(data, 0);
        if (!isList || (long)headerLength + payloadLength != data.Length)
        {
            throw new RlpException("The RLP data is not exactly one list.");
        }

        int position = headerLength;
        for (int item = 0; position < data.Length; item++)
        {
            (int itemHeader, int itemPayload, bool itemIsList) = ReadHeader(data, position);
            if (item == index)
            {
                if (!itemIsList)
                {
                    throw new RlpException($"RLP item {index} must be a list.");
                }

                return;
            }

            long next = (long)position + itemHeader + itemPayload;
            if (next > data.Length)
            {
                throw new RlpException("An RLP item runs past the end of its list.");
            }

            position = (int)next;
        }

        throw new RlpException($"The RLP list has no item {index}.");
    }

    private static (int HeaderLength, int PayloadLength, bool IsList) ReadHeader(ReadOnlySpan<byte> data, int position)
    {
        byte prefix = data[position];
        return prefix switch
        {
            < 0x80 => (0, 1, false),
            <= 0xb7 => (1, prefix - 0x80, false),
            <= 0xbf => LongHeader(data, position, prefix - 0xb7, isList: false),
            <= 0xf7 => (1, prefix - 0xc0, true),
            _ => LongHeader(data, position, prefix - 0xf7, isList: true),
        };
    }

    private static (int HeaderLength, int PayloadLength, bool IsList) LongHeader(ReadOnlySpan<byte> data, int position, int lengthOfLength, bool isList)
    {
        // Four length bytes already describe 4 GiB, far beyond anything accepted; the callers cap the input size.
        if (lengthOfLength > 4 || position + 1 + lengthOfLength > data.Length)
        {
            throw new RlpException("An RLP length prefix is truncated or too long.");
        }

        long length = 0;
        foreach (byte b in data.Slice(position + 1, lengthOfLength))
        {
            length = (length << 8) | b;
        }

        return length > int.MaxValue
            ? throw new RlpException("An RLP length is out of range.")
            : (1 + lengthOfLength, (int)length, isList);
    }
}
