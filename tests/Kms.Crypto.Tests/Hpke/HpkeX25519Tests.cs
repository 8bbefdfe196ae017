using System.Security.Cryptography;
using Kms.Crypto.Hpke;

namespace Kms.Crypto.Tests.Hpke;

public sealed class HpkeX25519Tests
{
    // RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, mode_base.
    private const string Info = "4f6465206f6e2061204772656369616e2055726e";
    private const string IkmE = "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234";
    private const string PkEm = "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431";
    private const string SkEm = "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736";
    private const string IkmR = "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037";
    private const string PkRm = "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d";
    private const string SkRm = "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8";
    private const string SharedSecret = "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc";
    private const string KeyScheduleContext = "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449";
    private const string Secret = "12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397";
    private const string Key = "4531685d41d65f03dc48f6b8302c05b0";
    private const string BaseNonce = "56d890e5accaaf011cff4b7d";
    private const string ExporterSecret = "45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8";
    private const string Plaintext = "4265617574792069732074727574682c20747275746820626561757479";

    public static TheoryData<ulong, string, string> Encryptions => new()
    {
        { 0, "436f756e742d30", "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a" },
        { 1, "436f756e742d31", "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84" },
        { 2, "436f756e742d32", "498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180" },
    };

    [Fact]
    public void DeriveKeyPair_MatchesRfcVectors()
    {
        using X25519KeyPair ephemeral = HpkeX25519.DeriveKeyPair(Convert.FromHexString(IkmE));
        using X25519KeyPair recipient = HpkeX25519.DeriveKeyPair(Convert.FromHexString(IkmR));

        Assert.Equal(SkEm, Convert.ToHexStringLower(ephemeral.ExportPrivateKey()));
        Assert.Equal(PkEm, Convert.ToHexStringLower(ephemeral.PublicKey));
        Assert.Equal(SkRm, Convert.ToHexStringLower(recipient.ExportPrivateKey()));
        Assert.Equal(PkRm, Convert.ToHexStringLower(recipient.PublicKey));
    }

    [Fact]
    public void KemAndKeySchedule_MatchRfcVectors()
    {
        using X25519KeyPair ephemeral = X25519KeyPair.FromPrivateKey(Convert.FromHexString(SkEm));
        using X25519KeyPair recipient = X25519KeyPair.FromPrivateKey(Convert.FromHexString(SkRm));

        byte[] sharedSecret = DhKemX25519.Encap(recipient.PublicKey, ephemeral, out byte[] enc);
        HpkeKeySchedule schedule = HpkeKeySchedule.DeriveBase(DhKemX25519.KemId, HpkeAead.Aes128Gcm, sharedSecret, Convert.FromHexString(Info));

        Assert.Equal(PkEm, Convert.ToHexStringLower(enc));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(sharedSecret));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(DhKemX25519.Decap(enc, recipient)));
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
        using X25519KeyPair ephemeral = HpkeX25519.DeriveKeyPair(Convert.FromHexString(IkmE));
        using X25519KeyPair recipient = HpkeX25519.DeriveKeyPair(Convert.FromHexString(IkmR));
        using HpkeSenderContext sender = HpkeX25519.SetupBaseS(recipient.PublicKey, Convert.FromHexString(Info), HpkeAead.Aes128Gcm, ephemeral);
        using HpkeRecipientContext receiver = HpkeX25519.SetupBaseR(sender.EncapsulatedKey.Span, recipient, Convert.FromHexString(Info), HpkeAead.Aes128Gcm);
        byte[] plaintext = Convert.FromHexString(Plaintext);

        for (ulong i = 0; i < sequenceNumber; i++)
        {
            receiver.Open([], sender.Seal([], plaintext));
        }

        byte[] ciphertext = sender.Seal(Convert.FromHexString(aadHex), plaintext);

        Assert.Equal(expectedCiphertext, Convert.ToHexStringLower(ciphertext));
        Assert.Equal(plaintext, receiver.Open(Convert.FromHexString(aadHex), ciphertext));
    }

    [Theory]
    [InlineData("", "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee")]
    [InlineData("00", "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5")]
    public void Export_MatchesRfcExportedValues(string exporterContext, string expected)
    {
        using X25519KeyPair recipient = X25519KeyPair.FromPrivateKey(Convert.FromHexString(SkRm));
        using HpkeRecipientContext receiver = HpkeX25519.SetupBaseR(Convert.FromHexString(PkEm), recipient, Convert.FromHexString(Info), HpkeAead.Aes128Gcm);

        Assert.Equal(expected, Convert.ToHexStringLower(receiver.Export(Convert.FromHexString(exporterContext), 32)));
    }

    [Fact]
    public void OneShot_RoundTrips_AndBindsInfoAadAndSuite()
    {
        using X25519KeyPair recipient = X25519KeyPair.Generate();
        byte[] secret = RandomNumberGenerator.GetBytes(64);

        byte[] sealedMessage = HpkeX25519.Seal(recipient.PublicKey, "info"u8, "aad"u8, secret);

        Assert.Equal(HpkeX25519.EncapsulatedKeySize + secret.Length + HpkeContext.TagSize, sealedMessage.Length);
        Assert.Equal(secret, HpkeX25519.Open(recipient, "info"u8, "aad"u8, sealedMessage));
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, "other"u8, "aad"u8, sealedMessage));
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, "info"u8, "other"u8, sealedMessage));
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, "info"u8, "aad"u8, sealedMessage, HpkeAead.Aes128Gcm));
        using X25519KeyPair stranger = X25519KeyPair.Generate();
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(stranger, "info"u8, "aad"u8, sealedMessage));
    }

    [Fact]
    public void SmallOrderKeys_AreRefusedOnBothSides()
    {
        // u = 0 and u = 1 are small-order points: X25519 with them is all zero (RFC 9180 §7.1.4 refuses it).
        using X25519KeyPair recipient = X25519KeyPair.Generate();
        byte[] zero = new byte[32];
        byte[] one = new byte[32];
        one[0] = 1;

        Assert.Throws<HpkeException>(() => HpkeX25519.Seal(zero, [], [], "x"u8));
        Assert.Throws<HpkeException>(() => HpkeX25519.Seal(one, [], [], "x"u8));
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, [], [], [.. zero, .. new byte[HpkeContext.TagSize]]));
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, [], [], [.. one, .. new byte[HpkeContext.TagSize]]));
    }

    [Fact]
    public void Fuzz_RandomAndMutatedMessages_OnlyThrowHpkeException()
    {
        using X25519KeyPair recipient = X25519KeyPair.Generate();
        byte[] sealedMessage = HpkeX25519.Seal(recipient.PublicKey, "i"u8, [], "payload"u8);
        var random = new Random(20261202);

        for (int i = 0; i < 300; i++)
        {
            byte[] candidate = i % 2 == 0 ? RandomBytes(random, random.Next(0, 120)) : Mutate(random, sealedMessage);
            Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, "i"u8, [], candidate));
        }
    }

    [Fact]
    public void Keys_HaveStrictLengths_AndAreWipedOnDispose()
    {
        Assert.Throws<ArgumentException>(() => X25519KeyPair.FromPrivateKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => HpkeX25519.Seal(new byte[33], [], [], "x"u8));
        Assert.Throws<ArgumentException>(() => HpkeX25519.DeriveKeyPair(new byte[31]));

        var key = X25519KeyPair.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.ExportPrivateKey());
    }

    [RequiresHpkeNodeFact]
    public void HpkeCore_OpensWhatWeSeal()
    {
        using X25519KeyPair recipient = X25519KeyPair.Generate();
        byte[] secret = RandomNumberGenerator.GetBytes(48);
        byte[] sealedMessage = HpkeX25519.Seal(recipient.PublicKey, "kms info"u8, "kms aad"u8, secret);

        Assert.Equal(secret, HpkeNode.TryOpen(recipient.ExportPrivateKey(), "kms info"u8, "kms aad"u8, sealedMessage, 256));
        Assert.Null(HpkeNode.TryOpen(recipient.ExportPrivateKey(), "kms info"u8, "other aad"u8, sealedMessage, 256));
    }

    [RequiresHpkeNodeFact]
    public void WeOpenWhatHpkeCoreSeals()
    {
        using X25519KeyPair recipient = X25519KeyPair.Generate();
        byte[] secret = RandomNumberGenerator.GetBytes(40);
        byte[] sealedMessage = HpkeNode.Seal(recipient.PublicKey, "workload"u8, "aad"u8, secret, 128);

        Assert.Equal(secret, HpkeX25519.Open(recipient, "workload"u8, "aad"u8, sealedMessage, HpkeAead.Aes128Gcm));
        Assert.Throws<HpkeException>(() => HpkeX25519.Open(recipient, "workload"u8, "aad"u8, sealedMessage, HpkeAead.Aes256Gcm));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        byte[] copy = (byte[])original.Clone();
        int flips = random.Next(1, 4);
        for (int i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
        }

        return random.Next(4) == 0 ? copy[..random.Next(copy.Length)] : copy;
    }
}
