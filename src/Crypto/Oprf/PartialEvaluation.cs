using System.Buffers.Binary;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// A share holder's partial evaluation Z_i = s_i·B with a DLEQ proof that log_G(s_i·G) = log_B(Z_i).
/// Encoding (99 bytes): u16 big-endian index ‖ 33-byte compressed Z_i ‖ 64-byte proof.
/// </summary>
public sealed record PartialEvaluation(int Index, ECPoint EvaluatedElement, DleqProof Proof)
{
    /// <summary>Size of the encoding.</summary>
    public const int EncodedSize = 2 + P256Curve.CompressedPointSize + DleqProof.EncodedSize;

    /// <summary>Decodes a partial evaluation, rejecting bad lengths, indices, points and proof scalars.</summary>
    /// <exception cref="CryptographicFormatException">The encoding is malformed.</exception>
    public static PartialEvaluation Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new CryptographicFormatException($"A partial evaluation must be {EncodedSize} bytes, got {encoded.Length}.");
        }

        int index = BinaryPrimitives.ReadUInt16BigEndian(encoded);
        if (index < 1 || index > ScalarShare.MaxIndex)
        {
            throw new CryptographicFormatException($"A share index must be in [1, {ScalarShare.MaxIndex}].");
        }

        ECPoint element = P256Curve.DecodePoint(encoded.Slice(2, P256Curve.CompressedPointSize));
        DleqProof proof = DleqProof.Decode(encoded[(2 + P256Curve.CompressedPointSize)..]);
        return new PartialEvaluation(index, element, proof);
    }

    /// <summary>Returns the 99-byte encoding.</summary>
    public byte[] Encode()
    {
        byte[] encoded = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt16BigEndian(encoded, checked((ushort)Index));
        P256Curve.EncodePoint(EvaluatedElement).CopyTo(encoded, 2);
        Proof.Encode().CopyTo(encoded, 2 + P256Curve.CompressedPointSize);
        return encoded;
    }
}

/// <summary>The combined evaluation k·B and which holders were used or rejected.</summary>
/// <param name="EvaluatedElement">Σ λ_i·Z_i over <paramref name="UsedIndices"/> = k·B.</param>
/// <param name="UsedIndices">The t holders whose partials were interpolated.</param>
/// <param name="RejectedIndices">Holders whose partial failed its proof (or was the identity).</param>
public sealed record ThresholdEvaluation(ECPoint EvaluatedElement, IReadOnlyList<int> UsedIndices, IReadOnlyList<int> RejectedIndices);
