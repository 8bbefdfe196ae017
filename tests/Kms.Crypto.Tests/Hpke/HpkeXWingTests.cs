using System.Security.Cryptography;
using Kms.Crypto.Hpke;
using Org.BouncyCastle.Security;

namespace Kms.Crypto.Tests.Hpke;

public sealed class HpkeXWingTests
{
    // SHAKE256(32 zero bytes, 32 bytes): the seed @hpke/hybridkem-x-wing 0.7.0 derives from an all-zero 32-byte ikm.
    private const string ZeroIkmSeed = "f5977c8283546a63723bc31d2619124f11db4658643336741df81757d5ad3062";

    public static TheoryData<string, string, string, string, string> Vectors => XWingTestVectors.All;

    [Theory]
    [MemberData(nameof(Vectors))]
    public void GenerateKeyPairDerand_MatchesDraftVectors(string seed, string pk, string eseed, string ct, string ss)
    {
        _ = (eseed, ct, ss);
        using XWingKeyPair keyPair = XWingKeyPair.FromSeed(Convert.FromHexString(seed));

        Assert.Equal(pk, Convert.ToHexStringLower(keyPair.PublicKey));
        Assert.Equal(seed, Convert.ToHexStringLower(keyPair.ExportSeed()));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void EncapsulateDerand_MatchesDraftVectors(string seed, string pk, string eseed, string ct, string ss)
    {
        _ = seed;
        byte[] encapsulationSeed = Convert.FromHexString(eseed);
        var mlKemRandom = new FixedSecureRandom(encapsulationSeed[..32]);
        using X25519KeyPair ephemeral = X25519KeyPair.FromPrivateKey(encapsulationSeed.AsSpan(32));

        byte[] sharedSecret = XWingKem.Encapsulate(Convert.FromHexString(pk), mlKemRandom, ephemeral, out byte[] ciphertext);

        Assert.Equal(ct, Convert.ToHexStringLower(ciphertext));
        Assert.Equal(ss, Convert.ToHexStringLower(sharedSecret));
        Assert.True(mlKemRandom.IsExhausted, "ML-KEM encapsulation must draw exactly m = eseed[0:32].");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decapsulate_MatchesDraftVectors(string seed, string pk, string eseed, string ct, string ss)
    {
        _ = (pk, eseed);
        using XWingKeyPair recipient = XWingKeyPair.FromSeed(Convert.FromHexString(seed));

        Assert.Equal(ss, Convert.ToHexStringLower(XWingKem.Decapsulate(Convert.FromHexString(ct), recipient)));
    }

    [Fact]
    public void MlKem_RejectsImplicitly_SoATamperedCiphertextOnlyFailsInTheAead()
    {
        // FIPS 203 ML-KEM.Decaps returns a pseudorandom key for a ciphertext it did not produce instead of an error.
        (string seed, _, _, string ct, string ss) = FirstVector();
        using XWingKeyPair recipient = XWingKeyPair.FromSeed(Convert.FromHexString(seed));
        byte[] tampered = Convert.FromHexString(ct);
        tampered[100] ^= 0x01;

        byte[] rejected = XWingKem.Decapsulate(tampered, recipient);

        Assert.NotEqual(ss, Convert.ToHexStringLower(rejected));
        Assert.Equal(rejected, XWingKem.Decapsulate(tampered, recipient));
        byte[] sealedMessage = [.. tampered, .. new byte[HpkeContext.TagSize + 8]];
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, [], [], sealedMessage));
    }

    [Fact]
    public void SetupBaseS_WithDraftRandomness_SendsTheDraftCiphertext_AndTheRecipientOpens()
    {
        (string seed, string pk, string eseed, string ct, _) = FirstVector();
        byte[] encapsulationSeed = Convert.FromHexString(eseed);
        using X25519KeyPair ephemeral = X25519KeyPair.FromPrivateKey(encapsulationSeed.AsSpan(32));
        using XWingKeyPair recipient = XWingKeyPair.FromSeed(Convert.FromHexString(seed));
        using HpkeSenderContext sender = HpkeXWing.SetupBaseS(Convert.FromHexString(pk), "info"u8, HpkeAead.Aes128Gcm, new FixedSecureRandom(encapsulationSeed[..32]), ephemeral);
        using HpkeRecipientContext receiver = HpkeXWing.SetupBaseR(sender.EncapsulatedKey.Span, recipient, "info"u8, HpkeAead.Aes128Gcm);

        Assert.Equal(ct, Convert.ToHexStringLower(sender.EncapsulatedKey.Span));
        for (int i = 0; i < 3; i++)
        {
            byte[] message = RandomNumberGenerator.GetBytes(32);
            Assert.Equal(message, receiver.Open([(byte)i], sender.Seal([(byte)i], message)));
        }

        Assert.Equal(sender.Export("exp"u8, 32), receiver.Export("exp"u8, 32));
    }

    [Fact]
    public void OneShot_RoundTrips_AndBindsInfoAadAndSuite()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        byte[] secret = RandomNumberGenerator.GetBytes(32);

        byte[] sealedMessage = HpkeXWing.Seal(recipient.PublicKey, "info"u8, "aad"u8, secret);

        Assert.Equal(HpkeXWing.EncapsulatedKeySize + secret.Length + HpkeContext.TagSize, sealedMessage.Length);
        Assert.Equal(secret, HpkeXWing.Open(recipient, "info"u8, "aad"u8, sealedMessage));
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, "other"u8, "aad"u8, sealedMessage));
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, "info"u8, "other"u8, sealedMessage));
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, "info"u8, "aad"u8, sealedMessage, HpkeAead.Aes128Gcm));
        using XWingKeyPair stranger = XWingKeyPair.Generate();
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(stranger, "info"u8, "aad"u8, sealedMessage));

        HpkeSealedMessage parts = HpkeXWing.SealMessage(recipient.PublicKey, "info"u8, [], secret, HpkeAead.Aes128Gcm);
        Assert.Equal(HpkeXWing.EncapsulatedKeySize, parts.EncapsulatedKey.Length);
        Assert.Equal(secret, HpkeXWing.Open(recipient, "info"u8, [], parts.ToArray(), HpkeAead.Aes128Gcm));
    }

    [Fact]
    public void DeriveKeyPair_ExpandsIkmWithShake256_AndIsDeterministic()
    {
        using XWingKeyPair derived = HpkeXWing.DeriveKeyPair(new byte[32]);
        using XWingKeyPair fromSeed = XWingKeyPair.FromSeed(Convert.FromHexString(ZeroIkmSeed));
        using XWingKeyPair again = HpkeXWing.DeriveKeyPair(new byte[32]);
        using XWingKeyPair other = HpkeXWing.DeriveKeyPair(new byte[33]);

        Assert.Equal(ZeroIkmSeed, Convert.ToHexStringLower(derived.ExportSeed()));
        Assert.Equal(fromSeed.PublicKey, derived.PublicKey);
        Assert.Equal(derived.PublicKey, again.PublicKey);
        Assert.False(derived.PublicKey.SequenceEqual(other.PublicKey));
        Assert.Throws<ArgumentException>(() => HpkeXWing.DeriveKeyPair(new byte[31]));
    }

    [Fact]
    public void EncapAndDecap_MatchTheHpkePqVector_WhoseDeriveKeyPairDiffers()
    {
        // draft-ietf-hpke-pq-04 Appendix A.5: MLKEM768-X25519 (= X-Wing, KEM 0x647A), HKDF-SHA256, ChaCha20Poly1305.
        // Only its KEM part applies here (ChaCha20Poly1305 is not offered). That draft derives the seed from ikm with
        // SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32); the X-Wing draft (§5.6) and @hpke/hybridkem-x-wing use
        // plain SHAKE256(ikm, 32), which HpkeXWing.DeriveKeyPair follows. Encapsulation and decapsulation are the same.
        byte[] ikmR = Convert.FromHexString("b86e76a59fabfc87b30cd7b1f7aaa28a834eb64e7a261c197b9a842893fbce56");
        byte[] ikmE = Convert.FromHexString(
            "2a1c0a3745fe8a48fb62034d300f54dfe1974a5b2e169e580a8789cb1cf5fd19" +
            "0fc00f3fd899594e01a8b15334b9f3fa03d8de44da86e19f5776850fb689e6c8");
        const string SkRm = "3ec47fa82dd5689d27c6190e724c74ec8f608df3331ce331929e37b829676630";
        const string SharedSecret = "58200ed1f137bd95a921bb47f6aaecf2395b26f7fd24efd3a5ffae4849e8dea3";

        Assert.Equal(SkRm, Convert.ToHexStringLower(HpkePqLabeledDeriveSeed(ikmR)));
        using XWingKeyPair xWingDraftDerived = HpkeXWing.DeriveKeyPair(ikmR);
        Assert.NotEqual(SkRm, Convert.ToHexStringLower(xWingDraftDerived.ExportSeed()));

        using XWingKeyPair recipient = XWingKeyPair.FromSeed(Convert.FromHexString(SkRm));
        using X25519KeyPair ephemeral = X25519KeyPair.FromPrivateKey(ikmE.AsSpan(32));
        byte[] sharedSecret = XWingKem.Encapsulate(recipient.PublicKey, new FixedSecureRandom(ikmE[..32]), ephemeral, out byte[] enc);

        Assert.Equal(SharedSecret, Convert.ToHexStringLower(sharedSecret));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(XWingKem.Decapsulate(enc, recipient)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(1184)]
    [InlineData(1215)]
    [InlineData(1217)]
    [InlineData(2432)]
    public void PublicKey_OfWrongLength_IsRefused(int length)
    {
        byte[] publicKey = new byte[length];

        Assert.Throws<HpkeException>(() => HpkeXWing.ValidatePublicKey(publicKey));
        Assert.Throws<HpkeException>(() => HpkeXWing.Seal(publicKey, [], [], "x"u8));
    }

    [Fact]
    public void PublicKey_FailingTheMlKemModulusCheck_IsRefused()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        byte[] publicKey = recipient.PublicKey.ToArray();
        // The first 12-bit coefficient of pk_M becomes 0xFFF ≥ q = 3329 (FIPS 203 §7.2 encapsulation key check).
        publicKey[0] = 0xff;
        publicKey[1] |= 0x0f;

        HpkeXWing.ValidatePublicKey(recipient.PublicKey);
        HpkeException refused = Assert.Throws<HpkeException>(() => HpkeXWing.ValidatePublicKey(publicKey));
        Assert.Contains("ML-KEM-768", refused.Message, StringComparison.Ordinal);
        Assert.Throws<HpkeException>(() => HpkeXWing.Seal(publicKey, [], [], "x"u8));
    }

    [Fact]
    public void SmallOrderX25519Halves_AreRefusedOnBothSides()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        byte[] sealedMessage = HpkeXWing.Seal(recipient.PublicKey, [], [], "x"u8);
        foreach (byte u in new byte[] { 0, 1 })
        {
            byte[] publicKey = recipient.PublicKey.ToArray();
            publicKey.AsSpan(XWingKeyPair.PublicKeySize - 32).Clear();
            publicKey[XWingKeyPair.PublicKeySize - 32] = u;
            byte[] message = (byte[])sealedMessage.Clone();
            message.AsSpan(HpkeXWing.EncapsulatedKeySize - 32, 32).Clear();
            message[HpkeXWing.EncapsulatedKeySize - 32] = u;

            Assert.Throws<HpkeException>(() => HpkeXWing.Seal(publicKey, [], [], "x"u8));
            Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, [], [], message));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(1088)]
    [InlineData(1119)]
    [InlineData(1121)]
    public void EncapsulatedKey_OfWrongLength_IsRefused(int length)
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();

        Assert.Throws<HpkeException>(() => HpkeXWing.SetupBaseR(new byte[length], recipient, [], HpkeAead.Aes256Gcm));
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, [], [], new byte[length]));
    }

    [Fact]
    public void Seeds_HaveStrictLengths_AndKeysAreUnusableAfterDispose()
    {
        Assert.Throws<ArgumentException>(() => XWingKeyPair.FromSeed(new byte[31]));
        Assert.Throws<ArgumentException>(() => XWingKeyPair.FromSeed(new byte[33]));
        Assert.Throws<ArgumentException>(() => XWingKeyPair.FromSeed([]));

        var key = XWingKeyPair.Generate();
        byte[] sealedMessage = HpkeXWing.Seal(key.PublicKey, [], [], "x"u8);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.ExportSeed());
        Assert.Throws<ObjectDisposedException>(() => HpkeXWing.Open(key, [], [], sealedMessage));
    }

    [Fact]
    public void Fuzz_RandomAndMutatedMessages_OnlyThrowHpkeException()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        byte[] sealedMessage = HpkeXWing.Seal(recipient.PublicKey, "i"u8, [], "payload"u8);
        var random = new Random(20261202);

        for (int i = 0; i < 200; i++)
        {
            byte[] candidate = (i % 3) switch
            {
                0 => Fuzz.RandomBytes(random, random.Next(0, 1300)),
                1 => Fuzz.RandomBytes(random, HpkeXWing.EncapsulatedKeySize + HpkeContext.TagSize + random.Next(0, 40)),
                _ => Fuzz.Mutate(random, sealedMessage),
            };
            if (candidate.AsSpan().SequenceEqual(sealedMessage))
            {
                continue;
            }

            Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, "i"u8, [], candidate));
        }
    }

    [Fact]
    public void Fuzz_RandomAndMutatedPublicKeys_AreRefusedOrUsable()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        var random = new Random(20261203);
        int refused = 0;

        for (int i = 0; i < 200; i++)
        {
            byte[] candidate = i % 2 == 0
                ? Fuzz.RandomBytes(random, random.Next(4) == 0 ? random.Next(0, 1300) : XWingKeyPair.PublicKeySize)
                : Fuzz.Mutate(random, recipient.PublicKey.ToArray());
            try
            {
                HpkeXWing.ValidatePublicKey(candidate);
                Assert.Equal(HpkeXWing.EncapsulatedKeySize + 1 + HpkeContext.TagSize, HpkeXWing.Seal(candidate, [], [], "x"u8).Length);
            }
            catch (HpkeException)
            {
                refused++;
            }
        }

        // Random 1216-byte strings almost never pass the modulus check: most candidates must have been refused.
        Assert.InRange(refused, 100, 200);
    }

    [RequiresHpkeNodeFact]
    public void HpkeCore_OpensWhatWeSeal()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        byte[] sealedMessage = HpkeXWing.Seal(recipient.PublicKey, "kms info"u8, "kms aad"u8, secret);

        Assert.Equal(secret, HpkeNode.TryOpen(recipient.ExportSeed(), "kms info"u8, "kms aad"u8, sealedMessage, 256, HpkeNode.XWing));
        Assert.Null(HpkeNode.TryOpen(recipient.ExportSeed(), "kms info"u8, "other aad"u8, sealedMessage, 256, HpkeNode.XWing));
    }

    [RequiresHpkeNodeFact]
    public void WeOpenWhatHpkeCoreSeals()
    {
        using XWingKeyPair recipient = XWingKeyPair.Generate();
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        byte[] sealedMessage = HpkeNode.Seal(recipient.PublicKey, "workload"u8, "aad"u8, secret, 128, HpkeNode.XWing);

        Assert.Equal(HpkeXWing.EncapsulatedKeySize + secret.Length + HpkeContext.TagSize, sealedMessage.Length);
        Assert.Equal(secret, HpkeXWing.Open(recipient, "workload"u8, "aad"u8, sealedMessage, HpkeAead.Aes128Gcm));
        Assert.Throws<HpkeException>(() => HpkeXWing.Open(recipient, "workload"u8, "aad"u8, sealedMessage, HpkeAead.Aes256Gcm));
    }

    private static (string Seed, string Pk, string Eseed, string Ct, string Ss) FirstVector()
    {
        object[] row = Vectors.First();
        return ((string)row[0], (string)row[1], (string)row[2], (string)row[3], (string)row[4]);
    }

    /// <summary>
    /// draft-ietf-hpke-pq's DeriveKeyPair seed: SHAKE256(ikm ‖ "HPKE-v1" ‖ "KEM" ‖ I2OSP(0x647A, 2) ‖ I2OSP(13, 2) ‖
    /// "DeriveKeyPair" ‖ I2OSP(32, 2) ‖ "", 32 bytes).
    /// </summary>
    private static byte[] HpkePqLabeledDeriveSeed(byte[] ikm)
    {
        byte[] labeled = [.. ikm, .. "HPKE-v1"u8, .. "KEM"u8, 0x64, 0x7a, 0x00, 13, .. "DeriveKeyPair"u8, 0x00, 32];
        var shake = new Org.BouncyCastle.Crypto.Digests.ShakeDigest(256);
        shake.BlockUpdate(labeled);
        byte[] seed = new byte[32];
        shake.OutputFinal(seed);
        return seed;
    }

    /// <summary>A "random" source that yields exactly the given bytes, for the draft's derandomized encapsulation.</summary>
    private sealed class FixedSecureRandom(byte[] bytes) : SecureRandom
    {
        private int _drawn;

        public bool IsExhausted => _drawn == bytes.Length;

        public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

        public override void NextBytes(byte[] buffer, int start, int length) => NextBytes(buffer.AsSpan(start, length));

        public override void NextBytes(Span<byte> buffer)
        {
            if (buffer.Length > bytes.Length - _drawn)
            {
                throw new InvalidOperationException("The encapsulation drew more randomness than the vector provides.");
            }

            bytes.AsSpan(_drawn, buffer.Length).CopyTo(buffer);
            _drawn += buffer.Length;
        }
    }
}
