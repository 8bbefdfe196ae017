using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// Threshold evaluation of the RFC 9497 P256-SHA256 OPRF whose key k is Shamir-shared with Feldman commitments.
/// Holder i returns Z_i = s_i·B with a DLEQ proof (<see cref="ThresholdDleqProof"/>) against its public share s_i·G
/// (derived from the commitments); a combiner batch-verifies the proofs, interpolates t valid partials in the exponent
/// (Σ λ_i·Z_i = k·B) and finalizes exactly as RFC 9497 does, so the output equals the single-key output for k. The key
/// is never reassembled.
/// </summary>
public sealed class ThresholdOprf
{
    /// <summary>Creates a threshold evaluator for the suite (its mode fixes HashToGroup's and the proofs' context string).</summary>
    public ThresholdOprf(OprfSuite suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        Suite = suite;
    }

    /// <summary>Threshold evaluation in VOPRF mode (the group public key k·G is public).</summary>
    public static ThresholdOprf Voprf { get; } = new(OprfSuite.Voprf);

    /// <summary>The suite.</summary>
    public OprfSuite Suite { get; }

    /// <summary>Computes this holder's partial evaluation of <paramref name="element"/> (a blinded element or HashToGroup(input)).</summary>
    public PartialEvaluation EvaluatePartial(ScalarShare share, ECPoint element) =>
        EvaluatePartial(share, element, P256Curve.RandomNonZeroScalar());

    /// <summary>As <see cref="EvaluatePartial(ScalarShare, ECPoint)"/> with a caller-chosen proof randomness: tests only.</summary>
    public PartialEvaluation EvaluatePartial(ScalarShare share, ECPoint element, ReadOnlySpan<byte> proofRandomScalar) =>
        EvaluatePartial(share, element, P256Curve.DecodeScalar(proofRandomScalar));

    /// <summary>
    /// True when the partial's proof shows Z_i = s_i·<paramref name="element"/> for the committed s_i. Both proof
    /// equations are checked at once under fresh random 128-bit weights: an invalid proof passes with probability at
    /// most 2^−128.
    /// </summary>
    public bool VerifyPartial(ECPoint element, PartialEvaluation partial, FeldmanCommitments commitments)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(partial);
        ArgumentNullException.ThrowIfNull(commitments);
        return !element.IsInfinity && ThresholdDleq.Verify(Suite, P256Element.FromECPoint(element), [partial], commitments);
    }

    /// <summary>
    /// Verifies the partials, interpolates the first t valid ones (distinct holders, in the given order) at zero in the
    /// exponent and returns k·<paramref name="element"/> with the used and rejected holder indices.
    /// </summary>
    /// <remarks>
    /// The proofs of the next partials needed are checked together (<see cref="ThresholdDleqProof"/>); only when that
    /// batch fails is each of its partials checked alone, to name the bad holders, and the next partials are taken in
    /// their place. The outcome is the same as checking every partial in order.
    /// </remarks>
    /// <exception cref="ArgumentException">The element is the identity or not on P-256, or a partial is null.</exception>
    /// <exception cref="InsufficientPartialsException">Fewer than t distinct holders supplied a valid partial.</exception>
    public ThresholdEvaluation Combine(ECPoint element, IEnumerable<PartialEvaluation> partials, FeldmanCommitments commitments)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(partials);
        ArgumentNullException.ThrowIfNull(commitments);
        P256Element b = P256Element.FromECPoint(element);
        int threshold = commitments.Threshold;
        var valid = new List<PartialEvaluation>(threshold);
        var validIndices = new HashSet<int>();
        var rejected = new List<int>();
        var batch = new List<PartialEvaluation>(threshold);
        var batchIndices = new HashSet<int>();
        using IEnumerator<PartialEvaluation> source = partials.GetEnumerator();
        PartialEvaluation? pending = null;
        while (valid.Count < threshold)
        {
            // The next partials in order, as many as are still needed, stopping before a holder already in the batch
            // (it is considered again once the batch's outcome is known, exactly as a one-by-one check would).
            batch.Clear();
            batchIndices.Clear();
            while (batch.Count < threshold - valid.Count)
            {
                PartialEvaluation? next = pending;
                pending = null;
                if (next is null)
                {
                    if (!source.MoveNext())
                    {
                        break;
                    }

                    next = source.Current ?? throw new ArgumentException("A partial evaluation is null.", nameof(partials));
                }

                if (validIndices.Contains(next.Index))
                {
                    continue;
                }

                if (!batchIndices.Add(next.Index))
                {
                    pending = next;
                    break;
                }

                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                break;
            }

            bool allValid = ThresholdDleq.Verify(Suite, b, batch, commitments);
            foreach (PartialEvaluation partial in batch)
            {
                if (allValid || (batch.Count > 1 && ThresholdDleq.Verify(Suite, b, [partial], commitments)))
                {
                    valid.Add(partial);
                    validIndices.Add(partial.Index);
                }
                else if (!rejected.Contains(partial.Index))
                {
                    rejected.Add(partial.Index);
                }
            }
        }

        if (valid.Count < threshold)
        {
            throw new InsufficientPartialsException(threshold, valid.Count, rejected);
        }

        int[] indices = valid.Select(p => p.Index).ToArray();
        var points = new P256ProjectivePoint[threshold];
        byte[] lambdas = new byte[threshold * P256Curve.ScalarSize];
        BigInteger[] coefficients = P256Curve.LagrangeCoefficientsAtZero(indices);
        for (int i = 0; i < threshold; i++)
        {
            points[i] = valid[i].Element.Point;
            P256Curve.EncodeScalar(coefficients[i], lambdas.AsSpan(i * P256Curve.ScalarSize, P256Curve.ScalarSize));
        }

        ECPoint combined = P256Curve.ToECPoint(P256ScalarMultiplier.MultiplyPublic(points, lambdas));
        return new ThresholdEvaluation(combined, indices, rejected);
    }

    /// <summary>
    /// Direct evaluation by the KMS itself (no blinding): combines partials over HashToGroup(input) and returns
    /// Finalize(input, k·HashToGroup(input)), the RFC 9497 output of k on <paramref name="input"/>.
    /// </summary>
    /// <exception cref="InsufficientPartialsException">Fewer than t valid partials.</exception>
    public byte[] Evaluate(ReadOnlySpan<byte> input, IEnumerable<PartialEvaluation> partials, FeldmanCommitments commitments)
    {
        OprfSuite.CheckInputLength(input);
        ThresholdEvaluation evaluation = Combine(Suite.HashToGroup(input), partials, commitments);
        return OprfSuite.FinalizeHash(input, evaluation.EvaluatedElement);
    }

    private PartialEvaluation EvaluatePartial(ScalarShare share, ECPoint element, BigInteger r)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(element);
        if (element.IsInfinity)
        {
            throw new ArgumentException("The element to evaluate must not be the identity.", nameof(element));
        }

        if (share.Value.SignValue == 0)
        {
            throw new InvalidOperationException("A zero share cannot evaluate.");
        }

        (P256Element evaluated, ThresholdDleqProof proof) = ThresholdDleq.Prove(Suite, share, P256Element.FromECPoint(element), r);
        return new PartialEvaluation(share.Index, evaluated, proof);
    }
}
