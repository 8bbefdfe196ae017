using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>VOPRF BlindEvaluate result: one evaluated element per blinded element and a batched DLEQ proof.</summary>
public sealed record VoprfEvaluation(IReadOnlyList<ECPoint> EvaluatedElements, DleqProof Proof);

/// <summary>RFC 9497 server (BlindEvaluate / Evaluate) for P256-SHA256 with a single private key.</summary>
public sealed class OprfServer
{
    private readonly OprfSuite _suite;
    private readonly OprfPrivateKey _key;

    /// <summary>Creates a server for the suite (mode) and key.</summary>
    public OprfServer(OprfSuite suite, OprfPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(key);
        _suite = suite;
        _key = key;
    }

    /// <summary>The server public key pkS.</summary>
    public ECPoint PublicKey => _key.PublicKey;

    /// <summary>OPRF-mode BlindEvaluate: skS·blindedElement.</summary>
    public ECPoint BlindEvaluate(ECPoint blindedElement)
    {
        ArgumentNullException.ThrowIfNull(blindedElement);
        if (blindedElement.IsInfinity)
        {
            throw new ArgumentException("The blinded element must not be the identity.", nameof(blindedElement));
        }

        return P256Curve.Multiply(blindedElement, _key.Scalar);
    }

    /// <summary>VOPRF-mode BlindEvaluate for a batch, with proof randomness from the CSPRNG.</summary>
    public VoprfEvaluation BlindEvaluate(IReadOnlyList<ECPoint> blindedElements) =>
        BlindEvaluate(blindedElements, P256Curve.RandomNonZeroScalar());

    /// <summary>VOPRF-mode BlindEvaluate with a caller-chosen proof randomness r: deterministic, for test vectors only.</summary>
    public VoprfEvaluation BlindEvaluate(IReadOnlyList<ECPoint> blindedElements, ReadOnlySpan<byte> proofRandomScalar) =>
        BlindEvaluate(blindedElements, P256Curve.DecodeScalar(proofRandomScalar));

    /// <summary>Evaluate(input): the PRF output computed directly by the key holder.</summary>
    public byte[] Evaluate(ReadOnlySpan<byte> input)
    {
        OprfSuite.CheckInputLength(input);
        ECPoint evaluated = P256Curve.Multiply(_suite.HashToGroup(input), _key.Scalar);
        return OprfSuite.FinalizeHash(input, evaluated);
    }

    private VoprfEvaluation BlindEvaluate(IReadOnlyList<ECPoint> blindedElements, BigInteger r)
    {
        ArgumentNullException.ThrowIfNull(blindedElements);
        if (_suite.Mode != OprfMode.Voprf)
        {
            throw new InvalidOperationException("Batched evaluation with a proof belongs to the VOPRF mode.");
        }

        ECPoint[] evaluated = blindedElements.Select(BlindEvaluate).ToArray();
        DleqProof proof = Dleq.GenerateProof(_suite, _key.Scalar, P256Curve.Generator, _key.PublicKey, blindedElements, evaluated, r);
        return new VoprfEvaluation(evaluated, proof);
    }
}
