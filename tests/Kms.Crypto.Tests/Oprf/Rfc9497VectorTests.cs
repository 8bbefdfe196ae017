using Kms.Crypto.Oprf;
using Kms.Crypto.P256;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Tests.Oprf;

/// <summary>RFC 9497 Appendix A, P256-SHA256: OPRF (A.3.1) and VOPRF (A.3.2) modes.</summary>
public class Rfc9497VectorTests
{
    private const string Seed = "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3";
    private const string KeyInfo = "74657374206b6579";
    private const string Blind1 = "3338fa65ec36e0290022b48eb562889d89dbfa691d1cde91517fa222ed7ad364";
    private const string Blind2 = "f9db001266677f62c095021db018cd8cbb55941d4073698ce45c405d1348b7b1";
    private const string Input1 = "00";
    private const string Input2 = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

    [Fact]
    public void DeriveKeyPairMatchesBothModes()
    {
        OprfPrivateKey oprf = OprfSuite.Oprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        Assert.Equal("159749d750713afe245d2d39ccfaae8381c53ce92d098a9375ee70739c7ac0bf", Hex(oprf.Export()));

        OprfPrivateKey voprf = OprfSuite.Voprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        Assert.Equal("ca5d94c8807817669a51b196c34c1b7f8442fde4334a7121ae4736364312fca6", Hex(voprf.Export()));
        Assert.Equal("03e17e70604bcabe198882c0a1f27a92441e774224ed9c702e51dd17038b102462", Hex(P256Curve.EncodePoint(voprf.PublicKey)));
    }

    [Theory]
    [InlineData(Input1, "03723a1e5c09b8b9c18d1dcbca29e8007e95f14f4732d9346d490ffc195110368d",
        "030de02ffec47a1fd53efcdd1c6faf5bdc270912b8749e783c7ca75bb412958832",
        "a0b34de5fa4c5b6da07e72af73cc507cceeb48981b97b7285fc375345fe495dd")]
    [InlineData(Input2, "03cc1df781f1c2240a64d1c297b3f3d16262ef5d4cf102734882675c26231b0838",
        "03a0395fe3828f2476ffcd1f4fe540e5a8489322d398be3c4e5a869db7fcb7c52c",
        "c748ca6dd327f0ce85f4ae3a8cd6d4d5390bbb804c9e12dcf94f853fece3dcce")]
    public void OprfModeVectors(string input, string blindedElement, string evaluationElement, string output)
    {
        OprfPrivateKey key = OprfSuite.Oprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        var client = new OprfClient(OprfSuite.Oprf);
        var server = new OprfServer(OprfSuite.Oprf, key);

        BlindedInput blinded = client.Blind(H(input), H(Blind1));
        Assert.Equal(blindedElement, Hex(P256Curve.EncodePoint(blinded.BlindedElement)));

        ECPoint evaluated = server.BlindEvaluate(P256Curve.DecodePoint(H(blindedElement)));
        Assert.Equal(evaluationElement, Hex(P256Curve.EncodePoint(evaluated)));

        Assert.Equal(output, Hex(client.Finalize(blinded, P256Curve.DecodePoint(H(evaluationElement)))));
        Assert.Equal(output, Hex(server.Evaluate(H(input))));
    }

    [Theory]
    [InlineData(Input1, "02dd05901038bb31a6fae01828fd8d0e49e35a486b5c5d4b4994013648c01277da",
        "0209f33cab60cf8fe69239b0afbcfcd261af4c1c5632624f2e9ba29b90ae83e4a2",
        "e7c2b3c5c954c035949f1f74e6bce2ed539a3be267d1481e9ddb178533df4c2664f69d065c604a4fd953e100b856ad83804eb3845189babfa5a702090d6fc5fa",
        "0412e8f78b02c415ab3a288e228978376f99927767ff37c5718d420010a645a1")]
    [InlineData(Input2, "03cd0f033e791c4d79dfa9c6ed750f2ac009ec46cd4195ca6fd3800d1e9b887dbd",
        "030d2985865c693bf7af47ba4d3a3813176576383d19aff003ef7b0784a0d83cf1",
        "2787d729c57e3d9512d3aa9e8708ad226bc48e0f1750b0767aaff73482c44b8d2873d74ec88aebd3504961acea16790a05c542d9fbff4fe269a77510db00abab",
        "771e10dcd6bcd3664e23b8f2a710cfaaa8357747c4a8cbba03133967b5c24f18")]
    public void VoprfModeVectors(string input, string blindedElement, string evaluationElement, string proof, string output)
    {
        OprfPrivateKey key = OprfSuite.Voprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        var client = new OprfClient(OprfSuite.Voprf);
        var server = new OprfServer(OprfSuite.Voprf, key);

        BlindedInput blinded = client.Blind(H(input), H(Blind1));
        Assert.Equal(blindedElement, Hex(P256Curve.EncodePoint(blinded.BlindedElement)));

        VoprfEvaluation evaluation = server.BlindEvaluate([blinded.BlindedElement], H(Blind2)); // ProofRandomScalar = f9db...
        Assert.Equal(evaluationElement, Hex(P256Curve.EncodePoint(evaluation.EvaluatedElements[0])));
        Assert.Equal(proof, Hex(evaluation.Proof.Encode()));

        byte[][] outputs = client.Finalize([blinded], [P256Curve.DecodePoint(H(evaluationElement))], DleqProof.Decode(H(proof)), key.PublicKey);
        Assert.Equal(output, Hex(outputs[0]));
        Assert.Equal(output, Hex(server.Evaluate(H(input))));
    }

    [Fact]
    public void VoprfBatchOfTwoVector()
    {
        OprfPrivateKey key = OprfSuite.Voprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        var client = new OprfClient(OprfSuite.Voprf);
        var server = new OprfServer(OprfSuite.Voprf, key);

        BlindedInput[] blinded = [client.Blind(H(Input1), H(Blind1)), client.Blind(H(Input2), H(Blind2))];
        Assert.Equal("02dd05901038bb31a6fae01828fd8d0e49e35a486b5c5d4b4994013648c01277da", Hex(P256Curve.EncodePoint(blinded[0].BlindedElement)));
        Assert.Equal("03462e9ae64cae5b83ba98a6b360d942266389ac369b923eb3d557213b1922f8ab", Hex(P256Curve.EncodePoint(blinded[1].BlindedElement)));

        VoprfEvaluation evaluation = server.BlindEvaluate(
            blinded.Select(b => b.BlindedElement).ToArray(),
            H("350e8040f828bf6ceca27405420cdf3d63cb3aef005f40ba51943c8026877963"));
        Assert.Equal("0209f33cab60cf8fe69239b0afbcfcd261af4c1c5632624f2e9ba29b90ae83e4a2", Hex(P256Curve.EncodePoint(evaluation.EvaluatedElements[0])));
        Assert.Equal("02bb24f4d838414aef052a8f044a6771230ca69c0a5677540fff738dd31bb69771", Hex(P256Curve.EncodePoint(evaluation.EvaluatedElements[1])));
        Assert.Equal(
            "bdcc351707d02a72ce49511c7db990566d29d6153ad6f8982fad2b435d6ce4d60da1e6b3fa740811bde34dd4fe0aa1b5fe6600d0440c9ddee95ea7fad7a60cf2",
            Hex(evaluation.Proof.Encode()));

        byte[][] outputs = client.Finalize(blinded, evaluation.EvaluatedElements, evaluation.Proof, key.PublicKey);
        Assert.Equal("0412e8f78b02c415ab3a288e228978376f99927767ff37c5718d420010a645a1", Hex(outputs[0]));
        Assert.Equal("771e10dcd6bcd3664e23b8f2a710cfaaa8357747c4a8cbba03133967b5c24f18", Hex(outputs[1]));
    }

    [Fact]
    public void VoprfFinalizeRejectsAWrongProofOrKeyOrElement()
    {
        OprfPrivateKey key = OprfSuite.Voprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        OprfPrivateKey other = OprfSuite.Oprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        var client = new OprfClient(OprfSuite.Voprf);
        var server = new OprfServer(OprfSuite.Voprf, key);
        BlindedInput blinded = client.Blind(H(Input1));
        VoprfEvaluation evaluation = server.BlindEvaluate([blinded.BlindedElement]);

        Assert.Single(client.Finalize([blinded], evaluation.EvaluatedElements, evaluation.Proof, key.PublicKey));
        Assert.Throws<OprfException>(() => client.Finalize([blinded], evaluation.EvaluatedElements, evaluation.Proof, other.PublicKey));
        ECPoint wrong = new OprfServer(OprfSuite.Voprf, other).BlindEvaluate(blinded.BlindedElement);
        Assert.Throws<OprfException>(() => client.Finalize([blinded], [wrong], evaluation.Proof, key.PublicKey));

        byte[] tampered = evaluation.Proof.Encode();
        tampered[40] ^= 0x10;
        Assert.Throws<OprfException>(() => client.Finalize([blinded], evaluation.EvaluatedElements, DleqProof.Decode(tampered), key.PublicKey));
    }

    [Fact]
    public void RandomBlindsGiveTheSameOutput()
    {
        OprfPrivateKey key = OprfSuite.Oprf.DeriveKeyPair(H(Seed), H(KeyInfo));
        var client = new OprfClient(OprfSuite.Oprf);
        var server = new OprfServer(OprfSuite.Oprf, key);
        BlindedInput a = client.Blind(H(Input2));
        BlindedInput b = client.Blind(H(Input2));
        Assert.NotEqual(a.BlindedElement, b.BlindedElement);
        Assert.Equal(client.Finalize(a, server.BlindEvaluate(a.BlindedElement)), client.Finalize(b, server.BlindEvaluate(b.BlindedElement)));
    }

    [Fact]
    public void ProofParserRejectsMalformedInput()
    {
        Assert.Throws<CryptographicFormatException>(() => DleqProof.Decode(new byte[63]));
        Assert.Throws<CryptographicFormatException>(() => DleqProof.Decode(new byte[65]));
        byte[] tooLarge = Enumerable.Repeat((byte)0xff, 64).ToArray();
        Assert.Throws<CryptographicFormatException>(() => DleqProof.Decode(tooLarge));
        var random = new Random(9497);
        byte[] valid = H("e7c2b3c5c954c035949f1f74e6bce2ed539a3be267d1481e9ddb178533df4c2664f69d065c604a4fd953e100b856ad83804eb3845189babfa5a702090d6fc5fa");
        for (int i = 0; i < 200; i++)
        {
            Fuzz.Parse(() => DleqProof.Decode(Fuzz.Mutate(random, valid)));
        }
    }

    [Fact]
    public void PrivateKeyImportRejectsInvalidScalarsAndHidesTheKey()
    {
        Assert.Throws<CryptographicFormatException>(() => OprfPrivateKey.Import(new byte[32]));
        Assert.Throws<CryptographicFormatException>(() => OprfPrivateKey.Import(new byte[33]));
        OprfPrivateKey key = OprfPrivateKey.Import(H("159749d750713afe245d2d39ccfaae8381c53ce92d098a9375ee70739c7ac0bf"));
        Assert.DoesNotContain("159749d7", key.ToString(), StringComparison.Ordinal);
    }

    internal static byte[] H(string hex) => Convert.FromHexString(hex);

    internal static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
