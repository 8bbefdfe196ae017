using System.Buffers.Binary;
using Kms.Crypto.P256;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Sharing;

/// <summary>Encoding shared by commitment vectors: u16 big-endian count ‖ count × 33-byte compressed points.</summary>
internal static class PointVectorCodec
{
    public static byte[] Encode(IReadOnlyList<ECPoint> points)
    {
        byte[] encoded = new byte[2 + (points.Count * P256Curve.CompressedPointSize)];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, (ushort)points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            P256Curve.EncodePoint(points[i]).CopyTo(encoded, 2 + (i * P256Curve.CompressedPointSize));
        }

        return encoded;
    }

    public static ECPoint[] Decode(ReadOnlySpan<byte> encoded, int minCount, int maxCount, string what)
    {
        if (encoded.Length < 2)
        {
            throw new CryptographicFormatException($"{what} must start with a 2-byte count.");
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(encoded);
        if (count < minCount || count > maxCount)
        {
            throw new CryptographicFormatException($"{what} must hold between {minCount} and {maxCount} points, got {count}.");
        }

        int expected = 2 + (count * P256Curve.CompressedPointSize);
        if (encoded.Length != expected)
        {
            throw new CryptographicFormatException($"{what} with {count} points must be {expected} bytes, got {encoded.Length}.");
        }

        var points = new ECPoint[count];
        for (int i = 0; i < count; i++)
        {
            points[i] = P256Curve.DecodePoint(encoded.Slice(2 + (i * P256Curve.CompressedPointSize), P256Curve.CompressedPointSize));
        }

        return points;
    }
}
