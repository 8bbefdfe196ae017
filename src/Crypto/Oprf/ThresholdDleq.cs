using System.Buffers.Binary;
using System.Security.Cryptography;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Oprf;

/// <summary>
/// Proving and batch-verifying <see cref="ThresholdDleqProof"/>s (format, transcript and rationale documented there).
/// </summary>
internal static class ThresholdDleq
{
    /// <summary>Size of each random batch weight ρ_i, σ_i: 128 bits bound a false accept by 2^−128.</summary>
    private const int WeightSize = 16;

    private const int ElementField = 2 + P256Curve.CompressedPointSize;

    private static ReadOnlySpan<byte> Label => "ThresholdDleq"u8;

    /// <summary>
    /// Computes Z_i = s_i·B and its proof with the given nonce r (32 bytes, in [1, n)). Z_i and t3 = r·B share one
    /// comb precomputation for B; t2 = r·G uses the generator table; the three results become affine with one
    /// inversion and are encoded from this library's own coordinates.
    /// </summary>
    internal static (P256Element Evaluated, ThresholdDleqProof Proof) Prove(
        OprfSuite suite, ScalarShare share, P256Element element, BigInteger r)
    {
        P256Element publicShare = share.PublicShareElement;
        Span<byte> scalars = stackalloc byte[2 * P256Curve.ScalarSize];
        Span<P256ProjectivePoint> products = stackalloc P256ProjectivePoint[3];
        P256Element?[] affine = new P256Element?[3];
        try
        {
            P256Curve.EncodeScalar(share.Value, scalars);
            P256Curve.EncodeScalar(r, scalars[P256Curve.ScalarSize..]);
            P256ScalarMultiplier.MultiplySharedBase(element.Point, scalars, products[..2]); // Z_i, t3
            products[2] = P256ScalarMultiplier.MultiplyGenerator(scalars[P256Curve.ScalarSize..]); // t2
            P256Element.FromProjective(products, affine);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalars);
            products.Clear();
        }

        // Non-zero scalars times a non-identity element of a prime-order group are never the identity.
        P256Element evaluated = affine[0] ?? throw new InvalidOperationException("The partial evaluation is the identity.");
        P256Element t3 = affine[1] ?? throw new InvalidOperationException("The proof commitment is the identity.");
        P256Element t2 = affine[2] ?? throw new InvalidOperationException("The proof commitment is the identity.");
        BigInteger c = Challenge(suite, share.Index, publicShare, element, evaluated, t2, t3);
        // s = r − c·s_i in the constant-time scalar field: r and s_i are secret.
        P256Scalar secret = P256Scalar.FromBigInteger(share.Value);
        P256Scalar nonce = P256Scalar.FromBigInteger(r);
        P256Scalar response = P256Scalar.Subtract(nonce, P256Scalar.Multiply(P256Scalar.FromBigInteger(c), secret));
        BigInteger s = response.ToBigInteger();
        secret.Clear();
        nonce.Clear();
        return (evaluated, new ThresholdDleqProof(t2, t3, s));
    }

    /// <summary>
    /// True when every partial's proof holds for <paramref name="element"/> and the committed public shares, checked
    /// together with one variable-time multi-scalar multiplication under fresh random 128-bit weights ρ_i, σ_i:
    /// (Σ ρ_i s_i)·G + Σ (ρ_i c_i)·P_i − Σ ρ_i·t2_i + (Σ σ_i s_i)·B + Σ (σ_i c_i)·Z_i − Σ σ_i·t3_i = 0. A false result says
    /// only that some proof is invalid; the partials must have distinct holder indices.
    /// </summary>
    internal static bool Verify(
        OprfSuite suite, P256Element element, IReadOnlyList<PartialEvaluation> partials, FeldmanCommitments commitments)
    {
        int count = partials.Count;
        var points = new P256ProjectivePoint[1 + (4 * count)];
        byte[] scalars = new byte[points.Length * P256Curve.ScalarSize];
        byte[] weights = new byte[2 * WeightSize * count];
        RandomNumberGenerator.Fill(weights);
        BigInteger generatorScalar = BigInteger.Zero;
        BigInteger elementScalar = BigInteger.Zero;
        points[0] = element.Point;
        for (int i = 0; i < count; i++)
        {
            PartialEvaluation partial = partials[i];
            P256Element? publicShare = commitments.PublicShareElement(partial.Index);
            if (publicShare is null)
            {
                return false; // a zero share: s_i·G is the identity and no proof for it is accepted
            }

            BigInteger c = Challenge(suite, partial.Index, publicShare, element, partial.Element, partial.Proof.T2, partial.Proof.T3);
            int weightOffset = 2 * WeightSize * i;
            var rho = new BigInteger(1, weights, weightOffset, WeightSize);
            var sigma = new BigInteger(1, weights, weightOffset + WeightSize, WeightSize);
            generatorScalar = generatorScalar.Add(rho.Multiply(partial.Proof.S));
            elementScalar = elementScalar.Add(sigma.Multiply(partial.Proof.S));

            // The commitments are negated as points so that their scalars stay 128-bit (half the additions).
            int first = 1 + (4 * i);
            points[first] = publicShare.Point;
            points[first + 1] = partial.Element.Point;
            points[first + 2] = P256ProjectivePoint.Negate(partial.Proof.T2.Point);
            points[first + 3] = P256ProjectivePoint.Negate(partial.Proof.T3.Point);
            P256Curve.EncodeScalar(rho.Multiply(c).Mod(P256Curve.Order), ScalarSlot(scalars, first));
            P256Curve.EncodeScalar(sigma.Multiply(c).Mod(P256Curve.Order), ScalarSlot(scalars, first + 1));
            weights.AsSpan(weightOffset, WeightSize).CopyTo(ScalarSlot(scalars, first + 2)[WeightSize..]);
            weights.AsSpan(weightOffset + WeightSize, WeightSize).CopyTo(ScalarSlot(scalars, first + 3)[WeightSize..]);
        }

        P256Curve.EncodeScalar(elementScalar.Mod(P256Curve.Order), ScalarSlot(scalars, 0));
        Span<byte> encodedGeneratorScalar = stackalloc byte[P256Curve.ScalarSize];
        P256Curve.EncodeScalar(generatorScalar.Mod(P256Curve.Order), encodedGeneratorScalar);
        P256ProjectivePoint sum = P256ScalarMultiplier.MultiplyPublic(encodedGeneratorScalar, points, scalars);
        return sum.IsIdentityMask() != 0;
    }

    /// <summary>c = HashToScalar(transcript) over the label, context string, holder index and the five elements.</summary>
    internal static BigInteger Challenge(
        OprfSuite suite, int index, P256Element publicShare, P256Element element, P256Element evaluated, P256Element t2, P256Element t3)
    {
        ReadOnlySpan<byte> context = suite.ContextString;
        Span<byte> transcript = stackalloc byte[2 + Label.Length + 2 + context.Length + 2 + (5 * ElementField)];
        int offset = WriteLengthPrefixed(transcript, 0, Label);
        offset = WriteLengthPrefixed(transcript, offset, context);
        BinaryPrimitives.WriteUInt16BigEndian(transcript[offset..], checked((ushort)index));
        offset += 2;
        offset = WriteLengthPrefixed(transcript, offset, publicShare.Encoded);
        offset = WriteLengthPrefixed(transcript, offset, element.Encoded);
        offset = WriteLengthPrefixed(transcript, offset, evaluated.Encoded);
        offset = WriteLengthPrefixed(transcript, offset, t2.Encoded);
        WriteLengthPrefixed(transcript, offset, t3.Encoded);
        return suite.HashToScalar(transcript);
    }

    private static Span<byte> ScalarSlot(byte[] scalars, int slot) => scalars.AsSpan(slot * P256Curve.ScalarSize, P256Curve.ScalarSize);

    private static int WriteLengthPrefixed(Span<byte> destination, int offset, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)data.Length);
        data.CopyTo(destination[(offset + 2)..]);
        return offset + 2 + data.Length;
    }
}
