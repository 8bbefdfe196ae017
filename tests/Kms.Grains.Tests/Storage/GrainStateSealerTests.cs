using System.Buffers.Binary;
using System.Security.Cryptography;
using Kms.Grains.Storage;

namespace Kms.Grains.Tests.Storage;

public sealed class GrainStateSealerTests : IDisposable
{
    private static readonly GrainId s_grain = GrainId.Create("ledger", "alpha");
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(GrainStateSealer.KeySize);
    private readonly GrainStateSealer _sealer;

    public GrainStateSealerTests() => _sealer = new GrainStateSealer(_key);

    public void Dispose() => _sealer.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    public void Seal_ThenOpen_ReturnsThePlaintext(int length)
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);

        byte[] sealedState = _sealer.Seal(plaintext, s_grain, "state");

        Assert.Equal(1 + 32 + length + 16, sealedState.Length);
        Assert.Equal(plaintext, _sealer.Open(sealedState, s_grain, "state"));
    }

    [Fact]
    public void TwoSeals_OfTheSamePlaintext_Differ()
    {
        byte[] plaintext = "same"u8.ToArray();

        Assert.NotEqual(_sealer.Seal(plaintext, s_grain, "state"), _sealer.Seal(plaintext, s_grain, "state"));
    }

    public static TheoryData<string, string, string> OtherOwners => new()
    {
        { "ledger", "beta", "state" },   // another grain id
        { "journal", "alpha", "state" }, // another grain type
        { "ledger", "alpha", "other" },  // another state name
        { "ledge", "ralpha", "state" },  // the same characters split differently between type and key
        { "ledger", "alph", "astate" },  // the same characters split differently between key and state name
    };

    [Theory]
    [MemberData(nameof(OtherOwners))]
    public void ASeal_DoesNotOpen_ForAnotherGrainOrState(string type, string key, string stateName)
    {
        byte[] sealedState = _sealer.Seal("secret"u8, s_grain, "state");

        var error = Assert.Throws<GrainStateCorruptedException>(() => _sealer.Open(sealedState, GrainId.Create(type, key), stateName));

        Assert.Contains("does not authenticate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASeal_DoesNotOpen_UnderAnotherStorageKey()
    {
        byte[] sealedState = _sealer.Seal("secret"u8, s_grain, "state");
        using var other = new GrainStateSealer(RandomNumberGenerator.GetBytes(GrainStateSealer.KeySize));

        Assert.Throws<GrainStateCorruptedException>(() => other.Open(sealedState, s_grain, "state"));
    }

    [Fact]
    public void EverySingleBitFlip_IsRefused()
    {
        byte[] sealedState = _sealer.Seal("a short secret state"u8, s_grain, "state");

        for (int bit = 0; bit < sealedState.Length * 8; bit++)
        {
            byte[] flipped = (byte[])sealedState.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<GrainStateCorruptedException>(() => _sealer.Open(flipped, s_grain, "state"));
        }
    }

    [Fact]
    public void EveryTruncation_AndAnExtension_IsRefused()
    {
        byte[] sealedState = _sealer.Seal("a short secret state"u8, s_grain, "state");

        for (int length = 0; length < sealedState.Length; length++)
        {
            Assert.Throws<GrainStateCorruptedException>(() => _sealer.Open(sealedState.AsSpan(0, length), s_grain, "state"));
        }

        Assert.Throws<GrainStateCorruptedException>(() => _sealer.Open([.. sealedState, 0], s_grain, "state"));
    }

    [Fact]
    public void RandomInputs_AreRefused_OnlyWithGrainStateCorruptedException()
    {
        var random = new Random(20261202);
        for (int i = 0; i < 4000; i++)
        {
            byte[] input = new byte[random.Next(0, 160)];
            random.NextBytes(input);
            if (input.Length > 0 && random.Next(2) == 0)
            {
                input[0] = 1; // the known format version, so that the authentication path is exercised
            }

            Assert.Throws<GrainStateCorruptedException>(() => _sealer.Open(input, s_grain, "state"));
        }
    }

    [Fact]
    public void AKeyOfTheWrongLength_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new GrainStateSealer(new byte[31]));
        Assert.Throws<ArgumentException>(() => new GrainStateSealer(new byte[33]));
    }

    [Fact]
    public void ADisposedSealer_RefusesToWork()
    {
        var sealer = new GrainStateSealer(_key);
        byte[] sealedState = sealer.Seal("x"u8, s_grain, "state");
        sealer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sealer.Seal("x"u8, s_grain, "state"));
        Assert.Throws<ObjectDisposedException>(() => sealer.Open(sealedState, s_grain, "state"));
    }

    [Fact]
    public void ASeal_OpensByTheDocumentedConstruction()
    {
        // An independent reading of the layout in GrainStateSealer's remarks, with the one-shot HKDF API.
        byte[] plaintext = "documented format"u8.ToArray();
        byte[] sealedState = _sealer.Seal(plaintext, s_grain, "state");
        byte[] label = "Orleans.Kms grain state v1"u8.ToArray();
        byte[] key = HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, salt: sealedState[1..33], info: label);
        byte[] associatedData = [.. Prefixed(label), .. Prefixed("ledger"u8), .. Prefixed("alpha"u8), .. Prefixed("state"u8)];
        byte[] opened = new byte[plaintext.Length];

        using var aes = new AesGcm(key, 16);
        aes.Decrypt(new byte[12], sealedState[33..^16], sealedState[^16..], opened, associatedData);

        Assert.Equal(1, sealedState[0]);
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void Hkdf_MatchesRfc5869_TestCase1_ThroughTheExtractAndExpandCallsTheSealerMakes()
    {
        byte[] ikm = Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = Convert.FromHexString("000102030405060708090a0b0c");
        byte[] info = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9");
        byte[] prk = new byte[32];
        byte[] okm = new byte[42];

        HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt, prk);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, okm, info);

        Assert.Equal("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", Convert.ToHexStringLower(prk));
        Assert.Equal(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
            Convert.ToHexStringLower(okm));
    }

    private static byte[] Prefixed(ReadOnlySpan<byte> part)
    {
        byte[] prefixed = new byte[4 + part.Length];
        BinaryPrimitives.WriteInt32BigEndian(prefixed, part.Length);
        part.CopyTo(prefixed.AsSpan(4));
        return prefixed;
    }
}
