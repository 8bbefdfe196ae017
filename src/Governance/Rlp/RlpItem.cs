using System.Numerics;

namespace Kms.Governance.Rlp;

/// <summary>A decoded RLP item: either a byte string or a list of items.</summary>
public sealed class RlpItem
{
    private readonly byte[]? _bytes;
    private readonly IReadOnlyList<RlpItem>? _items;

    private RlpItem(byte[]? bytes, IReadOnlyList<RlpItem>? items)
    {
        _bytes = bytes;
        _items = items;
    }

    /// <summary>Whether this item is a list.</summary>
    public bool IsList => _items is not null;

    /// <summary>The bytes of a string item.</summary>
    /// <exception cref="RlpException">The item is a list.</exception>
    public byte[] Bytes => _bytes ?? throw new RlpException("Expected an RLP string, found a list.");

    /// <summary>The items of a list item.</summary>
    /// <exception cref="RlpException">The item is a string.</exception>
    public IReadOnlyList<RlpItem> Items => _items ?? throw new RlpException("Expected an RLP list, found a string.");

    /// <summary>Interprets a string item as a canonical unsigned big-endian integer (no leading zero bytes).</summary>
    /// <exception cref="RlpException">A list, a leading zero, or more than <paramref name="maxBytes"/> bytes.</exception>
    public BigInteger ToUInt(int maxBytes = 32)
    {
        byte[] bytes = Bytes;
        if (bytes.Length > maxBytes)
        {
            throw new RlpException($"An RLP integer is longer than {maxBytes} bytes.");
        }

        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw new RlpException("An RLP integer has a leading zero byte.");
        }

        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Interprets a string item as a canonical integer that fits in 64 bits.</summary>
    public ulong ToUInt64() => (ulong)ToUInt(8);

    internal static RlpItem FromBytes(byte[] bytes) => new(bytes, null);

    internal static RlpItem FromItems(IReadOnlyList<RlpItem> items) => new(null, items);
}
