using System.Security.Cryptography;
using Kms.Crypto.Hpke;

namespace Kms.Crypto.Tests.Hpke;

public sealed class HpkeP256Tests
{
    // RFC 9180 Appendix A.3.1: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, mode_base.
    private const string Info = "4f6465206f6e2061204772656369616e2055726e";
    private const string IkmE = "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e";
    private const string PkEm = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4";
    private const string SkEm = "4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb";
    private const string IkmR = "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550";
    private const string PkRm = "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0";
    private const string SkRm = "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2";
    private const string SharedSecret = "c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8";
    private const string KeyScheduleContext = "00b88d4e6d91759e65e87c470e8b9141113e9ad5f0c8ceefc1e088c82e6980500798e486f9c9c09c9b5c753ac72d6005de254c607d1b534ed11d493ae1c1d9ac85";
    private const string Secret = "2eb7b6bf138f6b5aff857414a058a3f1750054a9ba1f72c2cf0684a6f20b10e1";
    private const string Key = "868c066ef58aae6dc589b6cfdd18f97e";
    private const string BaseNonce = "4e0bc5018beba4bf004cca59";
    private const string ExporterSecret = "14ad94af484a7ad3ef40e9f3be99ecc6fa9036df9d4920548424df127ee0d99f";
    private const string Plaintext = "4265617574792069732074727574682c20747275746820626561757479";

    public static TheoryData<ulong, string, string> Encryptions => new()
    {
        { 0, "436f756e742d30", "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434" },
        { 1, "436f756e742d31", "fa6f037b47fc21826b610172ca9637e82d6e5801eb31cbd3748271affd4ecb06646e0329cbdf3c3cd655b28e82" },
        { 2, "436f756e742d32", "895cabfac50ce6c6eb02ffe6c048bf53b7f7be9a91fc559402cbc5b8dcaeb52b2ccc93e466c28fb55fed7a7fec" },
        { 4, "436f756e742d34", "8787491ee8df99bc99a246c4b3216d3d57ab5076e18fa27133f520703bc70ec999dd36ce042e44f0c3169a6a8f" },
        { 255, "436f756e742d323535", "2ad71c85bf3f45c6eca301426289854b31448bcf8a8ccb1deef3ebd87f60848aa53c538c30a4dac71d619ee2cd" },
        { 256, "436f756e742d323536", "10f179686aa2caec1758c8e554513f16472bd0a11e2a907dde0b212cbe87d74f367f8ffe5e41cd3e9962a6afb2" },
    };

    [Fact]
    public void DeriveKeyPair_MatchesRfcVectors()
    {
        using ECDiffieHellman ephemeral = HpkeP256.DeriveKeyPair(Convert.FromHexString(IkmE));
        using ECDiffieHellman recipient = HpkeP256.DeriveKeyPair(Convert.FromHexString(IkmR));

        Assert.Equal(SkEm, Convert.ToHexStringLower(ephemeral.ExportParameters(true).D!));
        Assert.Equal(PkEm, Convert.ToHexStringLower(HpkeP256.SerializePublicKey(ephemeral)));
        Assert.Equal(SkRm, Convert.ToHexStringLower(recipient.ExportParameters(true).D!));
        Assert.Equal(PkRm, Convert.ToHexStringLower(HpkeP256.SerializePublicKey(recipient)));
    }

    [Fact]
    public void KemAndKeySchedule_MatchRfcVectors()
    {
        using ECDiffieHellman ephemeral = HpkeP256.DeriveKeyPair(Convert.FromHexString(IkmE));
        using ECDiffieHellman recipient = HpkeP256.DeriveKeyPair(Convert.FromHexString(IkmR));

        byte[] sharedSecret = DhKemP256.Encap(recipient, ephemeral, out byte[] enc);
        HpkeKeySchedule schedule = HpkeKeySchedule.DeriveBase(DhKemP256.KemId, HpkeAead.Aes128Gcm, sharedSecret, Convert.FromHexString(Info));

        Assert.Equal(PkEm, Convert.ToHexStringLower(enc));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(sharedSecret));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(DhKemP256.Decap(enc, recipient)));
        Assert.Equal(KeyScheduleContext, Convert.ToHexStringLower(schedule.KeyScheduleContext));
        Assert.Equal(Secret, Convert.ToHexStringLower(schedule.Secret));
        Assert.Equal(Key, Convert.ToHexStringLower(schedule.Key));
        Assert.Equal(BaseNonce, Convert.ToHexStringLower(schedule.BaseNonce));
        Assert.Equal(ExporterSecret, Convert.ToHexStringLower(schedule.ExporterSecret));
    }

    [Theory]
    [MemberData(nameof(Encryptions))]
    public void SealAndOpen_MatchRfcEncryptions(ulong sequenceNumber, string aadHex, string expectedCiphertext)
    {
        using ECDiffieHellman ephemeral = HpkeP256.DeriveKeyPair(Convert.FromHexString(IkmE));
        using ECDiffieHellman recipient = HpkeP256.DeriveKeyPair(Convert.FromHexString(IkmR));
        using HpkeSenderContext sender = HpkeP256.SetupBaseS(recipient, Convert.FromHexString(Info), HpkeAead.Aes128Gcm, ephemeral);
        using HpkeRecipientContext receiver = HpkeP256.SetupBaseR(sender.EncapsulatedKey.Span, recipient, Convert.FromHexString(Info), HpkeAead.Aes128Gcm);
        byte[] plaintext = Convert.FromHexString(Plaintext);

        // Advance both contexts to the vector's sequence number with throw-away messages.
        for (ulong i = 0; i < sequenceNumber; i++)
        {
            byte[] filler = sender.Seal([], plaintext);
            receiver.Open([], filler);
        }

        byte[] ciphertext = sender.Seal(Convert.FromHexString(aadHex), plaintext);

        Assert.Equal(expectedCiphertext, Convert.ToHexStringLower(ciphertext));
        Assert.Equal(plaintext, receiver.Open(Convert.FromHexString(aadHex), ciphertext));
        Assert.Equal(sequenceNumber + 1, sender.SequenceNumber);
        Assert.Equal(sequenceNumber + 1, receiver.SequenceNumber);
    }

    [Theory]
    [InlineData("", "5e9bc3d236e1911d95e65b576a8a86d478fb827e8bdfe77b741b289890490d4d")]
    [InlineData("00", "6cff87658931bda83dc857e6353efe4987a201b849658d9b047aab4cf216e796")]
    [InlineData("54657374436f6e74657874", "d8f1ea7942adbba7412c6d431c62d01371ea476b823eb697e1f6e6cae1dab85a")]
    public void Export_MatchesRfcExportedValues(string exporterContext, string expected)
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(SkRm);
        using HpkeRecipientContext receiver = HpkeP256.SetupBaseR(Convert.FromHexString(PkEm), recipient, Convert.FromHexString(Info), HpkeAead.Aes128Gcm);

        Assert.Equal(expected, Convert.ToHexStringLower(receiver.Export(Convert.FromHexString(exporterContext), 32)));
    }

    [Fact]
    public void Aes256Gcm_MatchesCfrgTestVectorsJson()
    {
        // draft-irtf-cfrg-hpke test-vectors.json, mode 0, kem 0x0010, kdf 0x0001, aead 0x0002 (not printed in the RFC body).
        using ECDiffieHellman ephemeral = P256TestKeys.P256Ecdh("90345e3a1d116c1dd39ae76d95ab858c142223a63e44f8f85318cfa91a84858e");
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh("317f915db7bc629c48fe765587897e01e282d3e8445f79f27f65d031a88082b2");
        Assert.Equal(
            "04abc7e49a4c6b3566d77d0304addc6ed0e98512ffccf505e6a8e3eb25c685136f853148544876de76c0f2ef99cdc3a05ccf5ded7860c7c021238f9e2073d2356c",
            Convert.ToHexStringLower(HpkeP256.SerializePublicKey(recipient)));

        byte[] sharedSecret = DhKemP256.Encap(recipient, ephemeral, out byte[] enc);
        HpkeKeySchedule schedule = HpkeKeySchedule.DeriveBase(DhKemP256.KemId, HpkeAead.Aes256Gcm, sharedSecret, Convert.FromHexString(Info));
        Assert.Equal(
            "04c06b4f6bebc7bb495cb797ab753f911aff80aefb86fd8b6fcc35525f3ab5f03e0b21bd31a86c6048af3cb2d98e0d3bf01da5cc4c39ff5370d331a4f1f7d5a4e0",
            Convert.ToHexStringLower(enc));
        Assert.Equal("48893fecd82f7c3456af6a42d8f56325d21e08c10fa81299986aaff54cde7b49", Convert.ToHexStringLower(sharedSecret));
        Assert.Equal(
            "008fc3aeb832490a4b5ab3e42023287db29a1f4bc7c222c0df228727b70a4021127f1ff3fd1aa97af7e5d473e1cb01ba74831133d9659b6c26b03a038a49a84074",
            Convert.ToHexStringLower(schedule.KeyScheduleContext));
        Assert.Equal("520da82c752ee6e0be7aafbad57a62535d266b6333513d3eb94cb497dceaf94e", Convert.ToHexStringLower(schedule.Secret));
        Assert.Equal("ee16802a936d5f544771131900ee6973d0551de9e852ece2ef34bf0d5f9e1d1d", Convert.ToHexStringLower(schedule.Key));
        Assert.Equal("9bc50980832a7b4b58c40161", Convert.ToHexStringLower(schedule.BaseNonce));

        using HpkeSenderContext sender = HpkeP256.SetupBaseS(recipient, Convert.FromHexString(Info), HpkeAead.Aes256Gcm, ephemeral);
        Assert.Equal(
            "58c61a45059d0c5704560e9d88b564a8b63f1364b8d1fcb3c4c6ddc1d291742465e902cd216f8908da49f8f96f",
            Convert.ToHexStringLower(sender.Seal(Convert.FromHexString("436f756e742d30"), Convert.FromHexString(Plaintext))));
        Assert.Equal(
            "b4e7c90d1dd62cb563694956eb517ab55d5e7d1f6366a0066c04ababaa444dbaf60a30d7bb7d3e91b969762dee",
            Convert.ToHexStringLower(sender.Seal(Convert.FromHexString("436f756e742d31"), Convert.FromHexString(Plaintext))));
    }

    [Fact]
    public void Aes256KeySchedule_DiffersFromAes128OnlyThroughSuiteIdAndKeyLength()
    {
        // Equivalence: recomputing the key schedule by hand with suite_id "HPKE" 0010 0001 0002 gives the same key.
        byte[] sharedSecret = Convert.FromHexString(SharedSecret);
        HpkeKeySchedule schedule = HpkeKeySchedule.DeriveBase(DhKemP256.KemId, HpkeAead.Aes256Gcm, sharedSecret, Convert.FromHexString(Info));
        byte[] suiteId = [.. "HPKE"u8, 0x00, 0x10, 0x00, 0x01, 0x00, 0x02];
        byte[] pskIdHash = HKDF.Extract(HashAlgorithmName.SHA256, [.. "HPKE-v1"u8, .. suiteId, .. "psk_id_hash"u8], []);
        byte[] infoHash = HKDF.Extract(HashAlgorithmName.SHA256, [.. "HPKE-v1"u8, .. suiteId, .. "info_hash"u8, .. Convert.FromHexString(Info)], []);
        byte[] context = [0x00, .. pskIdHash, .. infoHash];
        byte[] secret = HKDF.Extract(HashAlgorithmName.SHA256, [.. "HPKE-v1"u8, .. suiteId, .. "secret"u8], sharedSecret);
        byte[] key = HKDF.Expand(HashAlgorithmName.SHA256, secret, 32, [0x00, 0x20, .. "HPKE-v1"u8, .. suiteId, .. "key"u8, .. context]);

        Assert.Equal(context, schedule.KeyScheduleContext);
        Assert.Equal(key, schedule.Key);
        Assert.Equal(32, schedule.Key.Length);
    }

    [Theory]
    [InlineData(HpkeAead.Aes128Gcm)]
    [InlineData(HpkeAead.Aes256Gcm)]
    public void OneShot_RoundTrips_AndBindsInfoAndAad(HpkeAead aead)
    {
        using ECDiffieHellman recipient = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] plaintext = RandomNumberGenerator.GetBytes(1024);

        byte[] sealedMessage = HpkeP256.Seal(recipient, "info"u8, "aad"u8, plaintext, aead);

        Assert.Equal(HpkeP256.EncapsulatedKeySize + plaintext.Length + HpkeContext.TagSize, sealedMessage.Length);
        Assert.Equal(plaintext, HpkeP256.Open(recipient, "info"u8, "aad"u8, sealedMessage, aead));
        Assert.Throws<HpkeException>(() => HpkeP256.Open(recipient, "other"u8, "aad"u8, sealedMessage, aead));
        Assert.Throws<HpkeException>(() => HpkeP256.Open(recipient, "info"u8, "other"u8, sealedMessage, aead));
        HpkeAead otherAead = aead == HpkeAead.Aes128Gcm ? HpkeAead.Aes256Gcm : HpkeAead.Aes128Gcm;
        Assert.Throws<HpkeException>(() => HpkeP256.Open(recipient, "info"u8, "aad"u8, sealedMessage, otherAead));
    }

    [Fact]
    public void Open_OutOfOrder_FailsAndDoesNotAdvance()
    {
        using ECDiffieHellman recipient = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using HpkeSenderContext sender = HpkeP256.SetupBaseS(recipient, [], HpkeAead.Aes256Gcm);
        using HpkeRecipientContext receiver = HpkeP256.SetupBaseR(sender.EncapsulatedKey.Span, recipient, [], HpkeAead.Aes256Gcm);
        byte[] first = sender.Seal([], "one"u8);
        byte[] second = sender.Seal([], "two"u8);

        Assert.Throws<HpkeException>(() => receiver.Open([], second));
        Assert.Equal(0UL, receiver.SequenceNumber);
        Assert.Equal("one"u8.ToArray(), receiver.Open([], first));
        Assert.Equal("two"u8.ToArray(), receiver.Open([], second));
    }

    [Fact]
    public void SetupBaseR_RejectsInvalidEncapsulatedKeys()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(SkRm);
        byte[] offCurve = Convert.FromHexString(PkEm);
        offCurve[^1] ^= 1;

        Assert.Throws<HpkeException>(() => HpkeP256.SetupBaseR(offCurve, recipient, [], HpkeAead.Aes128Gcm));
        Assert.Throws<HpkeException>(() => HpkeP256.SetupBaseR(Convert.FromHexString(PkEm)[..33], recipient, [], HpkeAead.Aes128Gcm));
        Assert.Throws<HpkeException>(() => HpkeP256.SetupBaseR(new byte[65], recipient, [], HpkeAead.Aes128Gcm));
    }

    [Fact]
    public void DeriveKeyPair_RejectsShortIkm()
    {
        Assert.Throws<ArgumentException>(() => HpkeP256.DeriveKeyPair(new byte[31]));
    }

    [Fact]
    public void Export_RejectsBadLength()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(SkRm);
        using HpkeRecipientContext receiver = HpkeP256.SetupBaseR(Convert.FromHexString(PkEm), recipient, [], HpkeAead.Aes128Gcm);

        Assert.Throws<ArgumentOutOfRangeException>(() => receiver.Export([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => receiver.Export([], (255 * 32) + 1));
        Assert.Equal(255 * 32, receiver.Export([], 255 * 32).Length);
    }

    [Fact]
    public void Fuzz_OpenRandomAndMutatedMessages_OnlyThrowsHpkeException()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(SkRm);
        byte[] valid = HpkeP256.Seal(recipient, "i"u8, "a"u8, "secret value"u8);
        var random = new Random(9180);
        for (int i = 0; i < 200; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 160)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                input = input[..random.Next(input.Length / 2, input.Length + 1)];
            }

            Assert.Throws<HpkeException>(() => HpkeP256.Open(recipient, "i"u8, "a"u8, input));
        }
    }
}
