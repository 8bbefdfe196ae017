using Kms.Crypto.Oprf;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;
using static Kms.Crypto.Tests.Oprf.Rfc9497VectorTests;

namespace Kms.Crypto.Tests.Oprf;

/// <summary>The partial-evaluation proofs: batch verification, naming of bad holders, transcript binding and decoding.</summary>
public class ThresholdDleqTests
{
    private static readonly byte[] s_key = H("ca5d94c8807817669a51b196c34c1b7f8442fde4334a7121ae4736364312fca6");
    private static readonly ShamirSplit s_split = ShamirP256.Split(s_key, 3, 5);
    private static readonly ECPoint s_element = OprfSuite.Voprf.HashToGroup(H("00"));
    private static readonly ECPoint s_otherElement = OprfSuite.Voprf.HashToGroup(H("01"));
    private static readonly PartialEvaluation[] s_partials =
        s_split.Shares.Select(s => ThresholdOprf.Voprf.EvaluatePartial(s, s_element)).ToArray();

    public static TheoryData<string> Tampering => new()
    {
        "evaluated element", "t2", "t3", "s", "wrong share", "proof for another element", "evaluation of another element",
        "another holder's index",
    };

    [Fact]
    public void BatchAcceptsValidPartialsAndRejectsABatchWithOneBadProof()
    {
        P256Element b = P256Element.FromECPoint(s_element);
        Assert.True(ThresholdDleq.Verify(OprfSuite.Voprf, b, s_partials[..3], s_split.Commitments));
        Assert.True(ThresholdDleq.Verify(OprfSuite.Voprf, b, s_partials, s_split.Commitments));
        Assert.True(ThresholdDleq.Verify(OprfSuite.Voprf, b, [s_partials[4]], s_split.Commitments));

        PartialEvaluation bad = Tamper(s_partials[1], "s");
        Assert.False(ThresholdDleq.Verify(OprfSuite.Voprf, b, [s_partials[0], bad, s_partials[2]], s_split.Commitments));
        Assert.False(ThresholdDleq.Verify(OprfSuite.Voprf, P256Element.FromECPoint(s_otherElement), s_partials[..3], s_split.Commitments));

        ThresholdEvaluation evaluation = ThresholdOprf.Voprf.Combine(s_element, s_partials, s_split.Commitments);
        Assert.Equal([1, 2, 3], evaluation.UsedIndices);
        Assert.Empty(evaluation.RejectedIndices);
        Assert.Equal(ExpectedEvaluation(s_element), evaluation.EvaluatedElement);
    }

    [Theory]
    [MemberData(nameof(Tampering))]
    public void OneBadPartialIsNamedAndTheOthersStillCombine(string tampering)
    {
        PartialEvaluation bad = Tamper(s_partials[1], tampering);
        Assert.False(ThresholdOprf.Voprf.VerifyPartial(s_element, bad, s_split.Commitments));

        PartialEvaluation[] given = tampering == "another holder's index"
            ? [s_partials[0], bad, s_partials[2], s_partials[4], s_partials[1]] // holder 4 replays holder 2's partial
            : [s_partials[0], bad, s_partials[2], s_partials[3], s_partials[4]];
        ThresholdEvaluation evaluation = ThresholdOprf.Voprf.Combine(s_element, given, s_split.Commitments);
        Assert.Equal([bad.Index], evaluation.RejectedIndices);
        Assert.Equal(tampering == "another holder's index" ? [1, 3, 5] : new[] { 1, 3, 4 }, evaluation.UsedIndices);
        Assert.Equal(ExpectedEvaluation(s_element), evaluation.EvaluatedElement);

        var tooFew = Assert.Throws<InsufficientPartialsException>(
            () => ThresholdOprf.Voprf.Combine(s_element, [s_partials[0], bad, s_partials[2]], s_split.Commitments));
        Assert.Equal([bad.Index], tooFew.RejectedIndices);
        Assert.Equal(2, tooFew.Valid);
    }

    [Fact]
    public void TwoBadPartialsAreNamed()
    {
        PartialEvaluation[] given = [Tamper(s_partials[0], "t3"), s_partials[1], Tamper(s_partials[2], "wrong share"), s_partials[3], s_partials[4]];
        ThresholdEvaluation evaluation = ThresholdOprf.Voprf.Combine(s_element, given, s_split.Commitments);
        Assert.Equal([1, 3], evaluation.RejectedIndices);
        Assert.Equal([2, 4, 5], evaluation.UsedIndices);
        Assert.Equal(ExpectedEvaluation(s_element), evaluation.EvaluatedElement);

        var ex = Assert.Throws<InsufficientPartialsException>(() => ThresholdOprf.Voprf.Combine(s_element, given[..4], s_split.Commitments));
        Assert.Equal([1, 3], ex.RejectedIndices);
        Assert.Equal(2, ex.Valid);
    }

    [Fact]
    public void SelectionIsTheSameAsCheckingEveryPartialInOrder()
    {
        // A holder rejected once may still count with a later valid partial; a holder never counts twice.
        PartialEvaluation bad = Tamper(s_partials[1], "t2");
        ThresholdEvaluation evaluation = ThresholdOprf.Voprf.Combine(
            s_element, [s_partials[0], s_partials[0], bad, s_partials[2], s_partials[1], s_partials[3]], s_split.Commitments);
        Assert.Equal([1, 3, 2], evaluation.UsedIndices);
        Assert.Equal([2], evaluation.RejectedIndices);
        Assert.Equal(ExpectedEvaluation(s_element), evaluation.EvaluatedElement);

        // Only the partials needed are taken from the sequence.
        int taken = 0;
        IEnumerable<PartialEvaluation> Counted()
        {
            foreach (PartialEvaluation partial in s_partials)
            {
                taken++;
                yield return partial;
            }
        }

        ThresholdOprf.Voprf.Combine(s_element, Counted(), s_split.Commitments);
        Assert.Equal(3, taken);
        Assert.Throws<ArgumentException>(() => ThresholdOprf.Voprf.Combine(s_element, [s_partials[0], null!], s_split.Commitments));
        Assert.Throws<ArgumentException>(() => ThresholdOprf.Voprf.Combine(P256Curve.Identity, s_partials, s_split.Commitments));
        Assert.False(ThresholdOprf.Voprf.VerifyPartial(P256Curve.Identity, s_partials[0], s_split.Commitments));
    }

    [Fact]
    public void TheTranscriptBindsTheHolderIndex()
    {
        // With t = 1 every holder has the same share and public share, so only the index in the transcript tells a
        // proof made by holder 1 from the same proof replayed as holder 2's.
        BigInteger k = P256Curve.DecodeScalar(s_key);
        var commitments = new FeldmanCommitments([P256Curve.MultiplyGenerator(k)]);
        PartialEvaluation fromOne = ThresholdOprf.Voprf.EvaluatePartial(ScalarShare.Create(1, s_key), s_element);
        PartialEvaluation fromTwo = ThresholdOprf.Voprf.EvaluatePartial(ScalarShare.Create(2, s_key), s_element);
        Assert.Equal(fromOne.EvaluatedElement, fromTwo.EvaluatedElement);
        Assert.True(ThresholdOprf.Voprf.VerifyPartial(s_element, fromOne, commitments));
        Assert.True(ThresholdOprf.Voprf.VerifyPartial(s_element, fromTwo, commitments));
        Assert.False(ThresholdOprf.Voprf.VerifyPartial(s_element, fromOne with { Index = 2 }, commitments));
        Assert.False(ThresholdOprf.Voprf.VerifyPartial(s_element, PartialEvaluation.Decode(Reindex(fromOne.Encode(), 2)), commitments));
    }

    [Fact]
    public void ProofsAreDeterministicForAGivenNonceAndFresh()
    {
        byte[] r = H("3338fa65ec36e0290022b48eb562889d89dbfa691d1cde91517fa222ed7ad364");
        PartialEvaluation first = ThresholdOprf.Voprf.EvaluatePartial(s_split.Shares[0], s_element, r);
        PartialEvaluation second = ThresholdOprf.Voprf.EvaluatePartial(s_split.Shares[0], s_element, r);
        Assert.Equal(first, second);
        Assert.Equal(first.Encode(), second.Encode());
        // t2 = r·G for the given r.
        Assert.Equal(P256Curve.MultiplyGenerator(P256Curve.DecodeScalar(r)), first.Proof.T2.ToECPoint());
        Assert.NotEqual(s_partials[0].Proof, ThresholdOprf.Voprf.EvaluatePartial(s_split.Shares[0], s_element).Proof);
        Assert.True(ThresholdOprf.Voprf.VerifyPartial(s_element, first, s_split.Commitments));
    }

    [Fact]
    public void EncodingRoundTripsWithTheDocumentedLayout()
    {
        PartialEvaluation partial = s_partials[3];
        byte[] encoded = partial.Encode();
        Assert.Equal(133, PartialEvaluation.EncodedSize);
        Assert.Equal(98, ThresholdDleqProof.EncodedSize);
        Assert.Equal(PartialEvaluation.EncodedSize, encoded.Length);
        Assert.Equal([0, 4], encoded[..2]);
        Assert.Equal(P256Curve.EncodePoint(partial.EvaluatedElement), encoded[2..35]);
        Assert.Equal(partial.Proof.Encode(), encoded[35..]);
        Assert.Equal(partial.Proof.T2.GetEncoded(), encoded[35..68]);
        Assert.Equal(partial.Proof.T3.GetEncoded(), encoded[68..101]);
        Assert.Equal(P256Curve.EncodeScalar(partial.Proof.S), encoded[101..]);

        PartialEvaluation decoded = PartialEvaluation.Decode(encoded);
        Assert.Equal(partial, decoded);
        Assert.Equal(partial.Proof, ThresholdDleqProof.Decode(partial.Proof.Encode()));
        Assert.True(ThresholdOprf.Voprf.VerifyPartial(s_element, decoded, s_split.Commitments));
        Assert.Equal(ExpectedEvaluation(s_element),
            ThresholdOprf.Voprf.Combine(s_element, s_partials.Select(p => PartialEvaluation.Decode(p.Encode())), s_split.Commitments).EvaluatedElement);
    }

    [Fact]
    public void IdentityPointsAndBadIndicesAreRejected()
    {
        byte[] encoded = s_partials[0].Encode();
        foreach (int offset in new[] { 2, 35, 68 })
        {
            byte[] withIdentity = (byte[])encoded.Clone();
            withIdentity.AsSpan(offset, P256Curve.CompressedPointSize).Clear(); // the SEC1 identity is a single 0x00
            Assert.Throws<CryptographicFormatException>(() => PartialEvaluation.Decode(withIdentity));
        }

        Assert.Throws<CryptographicFormatException>(() => PartialEvaluation.Decode(Reindex(encoded, 0)));
        Assert.Throws<CryptographicFormatException>(() => PartialEvaluation.Decode(Reindex(encoded, 256)));
        Assert.Throws<ArgumentException>(() => s_partials[0] with { EvaluatedElement = P256Curve.Identity });
        Assert.Throws<ArgumentOutOfRangeException>(() => s_partials[0] with { Index = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartialEvaluation(256, s_element, s_partials[0].Proof));

        byte[] highS = s_partials[0].Proof.Encode();
        P256Curve.Order.ToByteArrayUnsigned().CopyTo(highS, 66);
        Assert.Throws<CryptographicFormatException>(() => ThresholdDleqProof.Decode(highS));
    }

    [Fact]
    public void DecodingHostileInputGivesAFormatErrorOrAFailedVerification()
    {
        byte[] valid = s_partials[0].Encode();
        var random = new Random(97);
        for (int i = 0; i < 200; i++)
        {
            byte[] noise = new byte[i % 2 == 0 ? PartialEvaluation.EncodedSize : random.Next(0, 300)];
            random.NextBytes(noise);
            DecodeAndVerify(noise, valid);
        }

        for (int length = 0; length < valid.Length; length++)
        {
            Assert.Throws<CryptographicFormatException>(() => PartialEvaluation.Decode(valid.AsSpan(0, length)));
        }

        Assert.Throws<CryptographicFormatException>(() => PartialEvaluation.Decode([.. valid, 0]));
        for (int bit = 0; bit < valid.Length * 8; bit++)
        {
            byte[] flipped = (byte[])valid.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            DecodeAndVerify(flipped, valid);
        }

        for (int i = 0; i < 100; i++)
        {
            DecodeAndVerify(Fuzz.Mutate(random, valid), valid);
            byte[] proof = Fuzz.Mutate(random, s_partials[0].Proof.Encode());
            Fuzz.Parse(() => ThresholdDleqProof.Decode(proof));
        }
    }

    private static void DecodeAndVerify(byte[] candidate, byte[] valid)
    {
        PartialEvaluation decoded;
        try
        {
            decoded = PartialEvaluation.Decode(candidate);
        }
        catch (CryptographicFormatException)
        {
            return;
        }

        bool verifies = ThresholdOprf.Voprf.VerifyPartial(s_element, decoded, s_split.Commitments);
        Assert.Equal(candidate.AsSpan().SequenceEqual(valid), verifies);
    }

    private static PartialEvaluation Tamper(PartialEvaluation partial, string tampering)
    {
        ThresholdDleqProof proof = partial.Proof;
        ECPoint g = P256Curve.Generator;
        ScalarShare share = s_split.Shares[partial.Index - 1];
        return tampering switch
        {
            "evaluated element" => partial with { EvaluatedElement = partial.EvaluatedElement.Add(g) },
            "t2" => partial with { Proof = new ThresholdDleqProof(Shift(proof.T2), proof.T3, proof.S) },
            "t3" => partial with { Proof = new ThresholdDleqProof(proof.T2, Shift(proof.T3), proof.S) },
            "s" => partial with { Proof = new ThresholdDleqProof(proof.T2, proof.T3, proof.S.Add(BigInteger.One).Mod(P256Curve.Order)) },
            "wrong share" => ThresholdOprf.Voprf.EvaluatePartial(
                ScalarShare.Create(partial.Index, P256Curve.EncodeScalar(P256Curve.RandomNonZeroScalar())), s_element),
            "proof for another element" => partial with { Proof = ThresholdOprf.Voprf.EvaluatePartial(share, s_otherElement).Proof },
            "evaluation of another element" => ThresholdOprf.Voprf.EvaluatePartial(share, s_otherElement),
            "another holder's index" => partial with { Index = 4 },
            _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
        };
    }

    private static P256Element Shift(P256Element element) => P256Element.FromECPoint(element.ToECPoint().Add(P256Curve.Generator));

    private static byte[] Reindex(byte[] encoded, int index)
    {
        byte[] copy = (byte[])encoded.Clone();
        copy[0] = (byte)(index >> 8);
        copy[1] = (byte)index;
        return copy;
    }

    private static ECPoint ExpectedEvaluation(ECPoint element) => element.Multiply(P256Curve.DecodeScalar(s_key)).Normalize();
}
