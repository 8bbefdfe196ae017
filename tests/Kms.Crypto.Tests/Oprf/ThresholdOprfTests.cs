using System.Text;
using Kms.Crypto.Oprf;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using Kms.Crypto.Tests.Sharing;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using static Kms.Crypto.Tests.Oprf.Rfc9497VectorTests;

namespace Kms.Crypto.Tests.Oprf;

public class ThresholdOprfTests
{
    // The RFC 9497 A.3.2 VOPRF key, shared 3-of-5.
    private static readonly byte[] s_key = H("ca5d94c8807817669a51b196c34c1b7f8442fde4334a7121ae4736364312fca6");
    private static readonly ShamirSplit s_split = ShamirP256.Split(s_key, 3, 5);

    [Fact]
    public void AnyThresholdSubsetGivesTheRfcOutputForDirectEvaluation()
    {
        var server = new OprfServer(OprfSuite.Voprf, OprfPrivateKey.Import(s_key));
        ECPoint element = OprfSuite.Voprf.HashToGroup(H("00"));
        PartialEvaluation[] partials = s_split.Shares.Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, element)).ToArray();
        foreach (int[] subset in ShamirP256Tests.Subsets(5, 3))
        {
            byte[] output = ThresholdOprf.Voprf.Evaluate(H("00"), subset.Select(i => partials[i]), s_split.Commitments);
            // RFC 9497 A.3.2 test vector 1 output, and the single-key code path.
            Assert.Equal("0412e8f78b02c415ab3a288e228978376f99927767ff37c5718d420010a645a1", Hex(output));
            Assert.Equal(server.Evaluate(H("00")), output);
        }
    }

    [Fact]
    public void ThresholdBlindEvaluationMatchesTheRfcVectorAndFinalizes()
    {
        var client = new OprfClient(OprfSuite.Voprf);
        BlindedInput blinded = client.Blind(H("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"), H("3338fa65ec36e0290022b48eb562889d89dbfa691d1cde91517fa222ed7ad364"));
        PartialEvaluation[] partials = s_split.Shares.Skip(2).Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, blinded.BlindedElement)).ToArray();

        ThresholdEvaluation evaluation = ThresholdOprf.Voprf.Combine(blinded.BlindedElement, partials, s_split.Commitments);
        Assert.Equal("030d2985865c693bf7af47ba4d3a3813176576383d19aff003ef7b0784a0d83cf1", Hex(P256Curve.EncodePoint(evaluation.EvaluatedElement)));
        Assert.Equal([3, 4, 5], evaluation.UsedIndices);
        Assert.Empty(evaluation.RejectedIndices);
        Assert.Equal("771e10dcd6bcd3664e23b8f2a710cfaaa8357747c4a8cbba03133967b5c24f18", Hex(client.Finalize(blinded, evaluation.EvaluatedElement)));
    }

    [Fact]
    public void ReconstructedKeyGivesTheSameOutputInOprfMode()
    {
        var threshold = new ThresholdOprf(OprfSuite.Oprf);
        ShamirSplit split = ShamirP256.GenerateAndSplit(2, 3);
        byte[] input = Encoding.UTF8.GetBytes("any input");
        ECPoint element = OprfSuite.Oprf.HashToGroup(input);
        PartialEvaluation[] partials = split.Shares.Select(s => threshold.EvaluatePartial(s, element)).ToArray();
        byte[] reconstructed = ShamirP256.Combine(split.Shares, split.Commitments);
        var server = new OprfServer(OprfSuite.Oprf, OprfPrivateKey.Import(reconstructed));
        Assert.Equal(server.Evaluate(input), threshold.Evaluate(input, partials[1..], split.Commitments));
        Assert.Equal(server.Evaluate(input), threshold.Evaluate(input, [partials[2], partials[0]], split.Commitments));
    }

    [Fact]
    public void PartialProofIsAChaumPedersenProofAgainstThePublicShare()
    {
        ECPoint element = OprfSuite.Voprf.HashToGroup(H("00"));
        PartialEvaluation partial = ThresholdOprf.Voprf.EvaluatePartial(s_split.Shares[1], element);
        Assert.Equal(2, partial.Index);
        Assert.True(ThresholdOprf.Voprf.VerifyPartial(element, partial, s_split.Commitments));
        Assert.False(ThresholdOprf.Voprf.VerifyPartial(OprfSuite.Voprf.HashToGroup(H("01")), partial, s_split.Commitments));
        // The suite's context string is part of the challenge.
        Assert.False(new ThresholdOprf(OprfSuite.Oprf).VerifyPartial(element, partial, s_split.Commitments));

        // s·G + c·P_i = t2 and s·B + c·Z_i = t3, checked here with BouncyCastle's arithmetic.
        ThresholdDleqProof proof = partial.Proof;
        ECPoint publicShare = s_split.Commitments.PublicShare(2);
        var c = ThresholdDleq.Challenge(OprfSuite.Voprf, 2, s_split.Commitments.PublicShareElement(2)!, P256Element.FromECPoint(element), partial.Element, proof.T2, proof.T3);
        Assert.Equal(proof.T2.ToECPoint(), P256Curve.Generator.Multiply(proof.S).Add(publicShare.Multiply(c)).Normalize());
        Assert.Equal(proof.T3.ToECPoint(), element.Multiply(proof.S).Add(partial.EvaluatedElement.Multiply(c)).Normalize());
        Assert.Equal(element.Multiply(new Org.BouncyCastle.Math.BigInteger(1, s_split.Shares[1].ExportValue())).Normalize(), partial.EvaluatedElement);
    }

    [Fact]
    public void BadPartialsAreRejectedByIndexAndSpareValidOnesAreUsed()
    {
        ECPoint element = OprfSuite.Voprf.HashToGroup(H("00"));
        PartialEvaluation[] partials = s_split.Shares.Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, element)).ToArray();
        // Holder 2 returns holder 4's element; holder 3 returns a correct element with a proof for another element.
        PartialEvaluation wrongElement = partials[1] with { EvaluatedElement = partials[3].EvaluatedElement };
        ECPoint other = OprfSuite.Voprf.HashToGroup(H("01"));
        PartialEvaluation wrongProof = partials[2] with { Proof = ThresholdOprf.Voprf.EvaluatePartial(s_split.Shares[2], other).Proof };

        ThresholdEvaluation evaluation = ThresholdOprf.Voprf.Combine(
            element, [partials[0], wrongElement, wrongProof, partials[3], partials[4]], s_split.Commitments);
        Assert.Equal([2, 3], evaluation.RejectedIndices);
        Assert.Equal([1, 4, 5], evaluation.UsedIndices);
        Assert.Equal(P256Curve.EncodePoint(P256Curve.Multiply(element, P256Curve.DecodeScalar(s_key))), P256Curve.EncodePoint(evaluation.EvaluatedElement));
    }

    [Fact]
    public void FewerThanThresholdValidPartialsFailClearly()
    {
        ECPoint element = OprfSuite.Voprf.HashToGroup(H("00"));
        PartialEvaluation[] partials = s_split.Shares.Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, element)).ToArray();

        var tooFew = Assert.Throws<InsufficientPartialsException>(() => ThresholdOprf.Voprf.Combine(element, partials[..2], s_split.Commitments));
        Assert.Equal(3, tooFew.Required);
        Assert.Equal(2, tooFew.Valid);
        Assert.Empty(tooFew.RejectedIndices);

        PartialEvaluation bad = partials[2] with { EvaluatedElement = partials[0].EvaluatedElement };
        var withBad = Assert.Throws<InsufficientPartialsException>(
            () => ThresholdOprf.Voprf.Combine(element, [partials[0], partials[1], bad], s_split.Commitments));
        Assert.Equal([3], withBad.RejectedIndices);

        // The same holder twice does not count twice.
        Assert.Throws<InsufficientPartialsException>(
            () => ThresholdOprf.Voprf.Combine(element, [partials[0], partials[1], partials[1]], s_split.Commitments));
    }

    [Fact]
    public void PartialsFromAnotherSharingAreRejected()
    {
        ShamirSplit other = ShamirP256.Split(s_key, 3, 5);
        ECPoint element = OprfSuite.Voprf.HashToGroup(H("00"));
        PartialEvaluation[] partials = other.Shares.Take(3).Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, element)).ToArray();
        var ex = Assert.Throws<InsufficientPartialsException>(() => ThresholdOprf.Voprf.Combine(element, partials, s_split.Commitments));
        Assert.Equal([1, 2, 3], ex.RejectedIndices);
    }

    [Fact]
    public void NamespaceKeyEqualsTheOprfOutputOfTheRootKey()
    {
        Assert.Equal("ns/acme/7", Encoding.UTF8.GetString(NamespaceKey.Input("acme", 7)));
        var server = new OprfServer(OprfSuite.Voprf, OprfPrivateKey.Import(s_key));
        PartialEvaluation[] partials = s_split.Shares.Select(s => NamespaceKey.EvaluatePartial(s, "acme", 7)).ToArray();

        byte[] nk = NamespaceKey.Derive("acme", 7, partials[2..], s_split.Commitments);
        Assert.Equal(server.Evaluate(NamespaceKey.Input("acme", 7)), nk);
        Assert.Equal(nk, NamespaceKey.Derive("acme", 7, [partials[4], partials[0], partials[1]], s_split.Commitments));

        byte[] nextEpoch = NamespaceKey.Derive("acme", 8, s_split.Shares.Select(s => NamespaceKey.EvaluatePartial(s, "acme", 8)), s_split.Commitments);
        Assert.NotEqual(nk, nextEpoch);
        // Partials for another epoch do not verify for this one.
        Assert.Throws<InsufficientPartialsException>(() => NamespaceKey.Derive("acme", 8, partials, s_split.Commitments));
    }

    [Fact]
    public void NamespaceInputRejectsInvalidNames()
    {
        Assert.Throws<ArgumentException>(() => NamespaceKey.Input("", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NamespaceKey.Input("a", -1));
        Assert.Throws<ArgumentException>(() => NamespaceKey.Input(new string('a', 1025), 1));
        Assert.Throws<ArgumentException>(() => NamespaceKey.Input("bad\ud800", 1));
    }

    [Fact]
    public void PartialEvaluationRoundTripsAndRejectsMalformedEncodings()
    {
        ECPoint element = OprfSuite.Voprf.HashToGroup(H("00"));
        PartialEvaluation partial = ThresholdOprf.Voprf.EvaluatePartial(s_split.Shares[0], element);
        byte[] encoded = partial.Encode();
        Assert.Equal(PartialEvaluation.EncodedSize, encoded.Length);
        PartialEvaluation decoded = PartialEvaluation.Decode(encoded);
        Assert.Equal(partial.Index, decoded.Index);
        Assert.Equal(partial.Proof, decoded.Proof);
        Assert.True(ThresholdOprf.Voprf.VerifyPartial(element, decoded, s_split.Commitments));

        byte[] zeroIndex = (byte[])encoded.Clone();
        zeroIndex[1] = 0;
        Assert.Throws<CryptographicFormatException>(() => PartialEvaluation.Decode(zeroIndex));

        var random = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            byte[] mutated = Fuzz.Mutate(random, encoded);
            Fuzz.Parse(() =>
            {
                PartialEvaluation candidate = PartialEvaluation.Decode(mutated);
                if (!mutated.AsSpan().SequenceEqual(encoded))
                {
                    Assert.False(ThresholdOprf.Voprf.VerifyPartial(element, candidate, s_split.Commitments));
                }
            });
        }
    }
}
