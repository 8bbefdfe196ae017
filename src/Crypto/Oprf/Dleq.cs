using System.Security.Cryptography;
using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// RFC 9497 §2.2 batched discrete-log-equality proofs: proves that D[i] = k·C[i] for all i and B = k·A, using the
/// composite elements M = Σ d_i·C[i], Z = Σ d_i·D[i] with d_i derived from a seed over B.
/// </summary>
public static class Dleq
{
    /// <summary>Verifies a proof that log_A(B) = log_C[i](D[i]) for every i.</summary>
    public static bool VerifyProof(OprfSuite suite, ECPoint a, ECPoint b, IReadOnlyList<ECPoint> c, IReadOnlyList<ECPoint> d, DleqProof proof)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        if (a.IsInfinity || b.IsInfinity || c.Any(e => e.IsInfinity) || d.Any(e => e.IsInfinity))
        {
            return false;
        }

        BigInteger[] weights = CompositeWeights(suite, b, c, d);
        ECPoint m = Combine(c, weights);
        ECPoint z = Combine(d, weights);
        ECPoint t2 = P256Curve.SumOfTwoMultiplies(a, proof.S, b, proof.C);
        // t3 = s·M + c·Z. With a single element, M = w·C[0] and Z = w·D[0], so t3 = (s·w)·C[0] + (c·w)·D[0]: the same
        // value, computed on bases whose precomputation is reused (the evaluated element is shared by all partials).
        ECPoint t3 = c.Count == 1
            ? P256Curve.SumOfTwoMultiplies(c[0], proof.S.Multiply(weights[0]), d[0], proof.C.Multiply(weights[0]))
            : P256Curve.SumOfTwoMultiplies(m, proof.S, z, proof.C);
        // An identity element has no serialization (SerializeElement fails), so such a proof cannot be valid.
        if (m.IsInfinity || z.IsInfinity || t2.IsInfinity || t3.IsInfinity)
        {
            return false;
        }

        BigInteger expected = Challenge(suite, b, m, z, t2, t3);
        return P256Curve.ScalarEquals(expected, proof.C);
    }

    /// <summary>GenerateProof with r drawn from the CSPRNG.</summary>
    internal static DleqProof GenerateProof(OprfSuite suite, BigInteger k, ECPoint a, ECPoint b, IReadOnlyList<ECPoint> c, IReadOnlyList<ECPoint> d) =>
        GenerateProof(suite, k, a, b, c, d, P256Curve.RandomNonZeroScalar());

    /// <summary>GenerateProof with a given proof randomness r (test vectors only).</summary>
    internal static DleqProof GenerateProof(
        OprfSuite suite, BigInteger k, ECPoint a, ECPoint b, IReadOnlyList<ECPoint> c, IReadOnlyList<ECPoint> d, BigInteger r)
    {
        BigInteger[] weights = CompositeWeights(suite, b, c, d);
        ECPoint m = Combine(c, weights);
        ECPoint t2 = a.Equals(P256Curve.Generator) ? P256Curve.MultiplyGenerator(r) : P256Curve.Multiply(a, r);
        ECPoint z;
        ECPoint t3;
        if (c.Count == 1)
        {
            // Z = k·M = (k·w)·C[0] and t3 = r·M = (r·w)·C[0]: equal to the RFC's values, but every multiplication
            // shares the precomputation for C[0] that the evaluation k·C[0] already built.
            z = P256Curve.Multiply(c[0], MultiplyScalars(k, weights[0]));
            t3 = P256Curve.Multiply(c[0], MultiplyScalars(r, weights[0]));
        }
        else
        {
            z = P256Curve.Multiply(m, k);
            t3 = P256Curve.Multiply(m, r);
        }

        BigInteger challenge = Challenge(suite, b, m, z, t2, t3);
        // s = r − c·k in the constant-time scalar field: r and k are secret.
        P256Scalar secret = P256Scalar.FromBigInteger(k);
        P256Scalar nonce = P256Scalar.FromBigInteger(r);
        P256Scalar response = P256Scalar.Subtract(nonce, P256Scalar.Multiply(P256Scalar.FromBigInteger(challenge), secret));
        BigInteger s = response.ToBigInteger();
        secret.Clear();
        nonce.Clear();
        return new DleqProof(challenge, s);
    }

    /// <summary>a·b mod n in the constant-time scalar field (a is secret).</summary>
    private static BigInteger MultiplyScalars(BigInteger a, BigInteger b)
    {
        P256Scalar secret = P256Scalar.FromBigInteger(a);
        P256Scalar product = P256Scalar.Multiply(secret, P256Scalar.FromBigInteger(b));
        secret.Clear();
        return product.ToBigInteger();
    }

    /// <summary>The composite weights d_i of ComputeComposites (RFC 9497 §2.2.1).</summary>
    private static BigInteger[] CompositeWeights(OprfSuite suite, ECPoint b, IReadOnlyList<ECPoint> c, IReadOnlyList<ECPoint> d)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        if (c.Count == 0 || c.Count != d.Count || c.Count > ushort.MaxValue)
        {
            throw new ArgumentException("The element lists must be non-empty and of equal length.", nameof(c));
        }

        byte[] bm = P256Curve.EncodePoint(b);
        byte[] seedDst = [.. "Seed-"u8, .. suite.ContextString];
        byte[] seed;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            OprfSuite.AppendLengthPrefixed(hash, bm);
            OprfSuite.AppendLengthPrefixed(hash, seedDst);
            seed = hash.GetHashAndReset();
        }

        var weights = new BigInteger[c.Count];
        for (int i = 0; i < c.Count; i++)
        {
            var transcript = new List<byte>(2 + seed.Length + 2 + 70 + 9);
            OprfSuite.AppendLengthPrefixed(transcript, seed);
            transcript.Add((byte)(i >> 8));
            transcript.Add((byte)i);
            OprfSuite.AppendLengthPrefixed(transcript, P256Curve.EncodePoint(c[i]));
            OprfSuite.AppendLengthPrefixed(transcript, P256Curve.EncodePoint(d[i]));
            transcript.AddRange("Composite"u8);
            weights[i] = suite.HashToScalar(transcript.ToArray());
        }

        return weights;
    }

    private static ECPoint Combine(IReadOnlyList<ECPoint> elements, BigInteger[] weights) =>
        elements.Count == 1 ? P256Curve.Multiply(elements[0], weights[0]) : P256Curve.SumOfMultiplies(elements.ToArray(), weights);

    private static BigInteger Challenge(OprfSuite suite, ECPoint b, ECPoint m, ECPoint z, ECPoint t2, ECPoint t3)
    {
        var transcript = new List<byte>((5 * 35) + 9);
        foreach (ECPoint element in new[] { b, m, z, t2, t3 })
        {
            OprfSuite.AppendLengthPrefixed(transcript, P256Curve.EncodePoint(element));
        }

        transcript.AddRange("Challenge"u8);
        return suite.HashToScalar(transcript.ToArray());
    }
}
