using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// Threshold evaluation of the RFC 9497 P256-SHA256 OPRF whose key k is Shamir-shared with Feldman commitments.
/// Holder i returns Z_i = s_i·B with a DLEQ proof against its public share s_i·G (derived from the commitments);
/// a combiner verifies the proofs, interpolates t valid partials in the exponent (Σ λ_i·Z_i = k·B) and finalizes
/// exactly as RFC 9497 does, so the output equals the single-key output for k. The key is never reassembled.
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

    /// <summary>True when the partial's proof shows Z_i = s_i·<paramref name="element"/> for the committed s_i.</summary>
    public bool VerifyPartial(ECPoint element, PartialEvaluation partial, FeldmanCommitments commitments)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(partial);
        ArgumentNullException.ThrowIfNull(commitments);
        if (partial.Index < 1 || partial.Index > ScalarShare.MaxIndex || partial.EvaluatedElement.IsInfinity || element.IsInfinity)
        {
            return false;
        }

        return Dleq.VerifyProof(
            Suite, P256Curve.Generator, commitments.PublicShare(partial.Index), [element], [partial.EvaluatedElement], partial.Proof);
    }

    /// <summary>
    /// Verifies the partials, interpolates the first t valid ones (distinct holders, in the given order) at zero in the
    /// exponent and returns k·<paramref name="element"/> with the used and rejected holder indices.
    /// </summary>
    /// <exception cref="InsufficientPartialsException">Fewer than t distinct holders supplied a valid partial.</exception>
    public ThresholdEvaluation Combine(ECPoint element, IEnumerable<PartialEvaluation> partials, FeldmanCommitments commitments)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(partials);
        ArgumentNullException.ThrowIfNull(commitments);
        var valid = new List<PartialEvaluation>(commitments.Threshold);
        var rejected = new List<int>();
        var used = new HashSet<int>();
        foreach (PartialEvaluation partial in partials)
        {
            if (valid.Count == commitments.Threshold)
            {
                break;
            }

            if (used.Contains(partial.Index))
            {
                continue;
            }

            if (VerifyPartial(element, partial, commitments))
            {
                valid.Add(partial);
                used.Add(partial.Index);
            }
            else if (!rejected.Contains(partial.Index))
            {
                rejected.Add(partial.Index);
            }
        }

        if (valid.Count < commitments.Threshold)
        {
            throw new InsufficientPartialsException(commitments.Threshold, valid.Count, rejected);
        }

        int[] indices = valid.Select(p => p.Index).ToArray();
        BigInteger[] lambdas = indices.Select(i => P256Curve.LagrangeCoefficientAtZero(indices, i)).ToArray();
        ECPoint combined = P256Curve.SumOfMultiplies(valid.Select(p => p.EvaluatedElement).ToArray(), lambdas);
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

        ECPoint z = P256Curve.Multiply(element, share.Value);
        DleqProof proof = Dleq.GenerateProof(Suite, share.Value, P256Curve.Generator, share.PublicShare, [element], [z], r);
        return new PartialEvaluation(share.Index, z, proof);
    }
}
