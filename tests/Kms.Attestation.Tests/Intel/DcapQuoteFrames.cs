using System.Buffers.Binary;

namespace Kms.Attestation.Tests.Intel;

/// <summary>
/// Version 4 DCAP quotes in the shape Intel's quoting library produces: header and body, then signature ‖ attestation
/// key and the QE report, its signature, the QE authentication data and the PCK chain wrapped in certification data of
/// type 6. The corpus holds no real v4 SGX quote, so tests build them from the real v3 ones.
/// </summary>
internal static class DcapQuoteFrames
{
    private const int SignedRegionSize = 48 + 384;

    /// <summary>A v3 SGX quote re-framed as v4 (the quote signature, over a header that says 3, no longer verifies).</summary>
    public static byte[] SgxV4FromV3(byte[] v3)
    {
        int sigDataLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(v3.AsSpan(SignedRegionSize));
        ReadOnlySpan<byte> sigData = v3.AsSpan(SignedRegionSize + 4, sigDataLength);
        byte[] v4 = V4(v3.AsSpan(0, SignedRegionSize), sigData[..128], sigData[128..]);
        BinaryPrimitives.WriteUInt16LittleEndian(v4, 4);
        return v4;
    }

    /// <summary>Header and body, then the v4 signature data: signature ‖ attestation key, certification data type 6.</summary>
    public static byte[] V4(ReadOnlySpan<byte> signedRegion, ReadOnlySpan<byte> signatureAndKey, ReadOnlySpan<byte> qeCertificationData)
    {
        byte[] quote = new byte[signedRegion.Length + 4 + signatureAndKey.Length + 6 + qeCertificationData.Length];
        signedRegion.CopyTo(quote);
        int offset = signedRegion.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(offset), (uint)(signatureAndKey.Length + 6 + qeCertificationData.Length));
        signatureAndKey.CopyTo(quote.AsSpan(offset + 4));
        offset += 4 + signatureAndKey.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(offset), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(offset + 2), (uint)qeCertificationData.Length);
        qeCertificationData.CopyTo(quote.AsSpan(offset + 6));
        return quote;
    }
}
