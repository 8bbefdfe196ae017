using Kms.Grains.Storage;

namespace Kms.Grains.Tests.Storage;

/// <summary>The state file decoder under damaged and hostile input.</summary>
public sealed class GrainStateFileTests
{
    private const string Path = "/state/file.state";
    private static readonly string s_id = GrainStateFile.CanonicalId(GrainId.Create("ledger", "alpha"), "state");

    [Fact]
    public void Encode_ThenDecode_RoundTrips_ForStatesAndClearedStates()
    {
        GrainStateFile.Content written = GrainStateFile.Decode(GrainStateFile.Encode(s_id, 7, exists: true, [1, 2, 3]), s_id, Path);
        GrainStateFile.Content cleared = GrainStateFile.Decode(GrainStateFile.Encode(s_id, 8, exists: false, []), s_id, Path);

        Assert.Equal((7L, true), (written.Version, written.Exists));
        Assert.Equal([1, 2, 3], written.Payload);
        Assert.Equal((8L, false, 0), (cleared.Version, cleared.Exists, cleared.Payload.Length));
    }

    [Fact]
    public void EveryTruncation_IsRefused()
    {
        byte[] file = GrainStateFile.Encode(s_id, 1, exists: true, [1, 2, 3]);

        for (int length = 0; length < file.Length; length++)
        {
            Assert.Throws<GrainStateCorruptedException>(() => GrainStateFile.Decode(file.AsSpan(0, length), s_id, Path));
        }
    }

    [Fact]
    public void EverySingleByteChange_IsRefused()
    {
        byte[] file = GrainStateFile.Encode(s_id, 1, exists: true, [1, 2, 3]);

        for (int index = 0; index < file.Length; index++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xff })
            {
                byte[] changed = (byte[])file.Clone();
                changed[index] ^= mask;
                Assert.Throws<GrainStateCorruptedException>(() => GrainStateFile.Decode(changed, s_id, Path));
            }
        }
    }

    [Fact]
    public void AWellFormedFile_WithInconsistentFields_IsRefused()
    {
        // Valid checksums over headers that lie: each is refused for its content, not only for damage.
        Assert.Throws<GrainStateCorruptedException>(() => GrainStateFile.Decode(GrainStateFile.Encode(s_id, 0, true, [1]), s_id, Path));
        Assert.Throws<GrainStateCorruptedException>(() => GrainStateFile.Decode(GrainStateFile.Encode(s_id, -5, true, [1]), s_id, Path));
        Assert.Throws<GrainStateCorruptedException>(() => GrainStateFile.Decode(GrainStateFile.Encode(s_id, 1, false, [1]), s_id, Path));
        var foreign = Assert.Throws<GrainStateCorruptedException>(
            () => GrainStateFile.Decode(GrainStateFile.Encode(s_id + "x", 1, true, [1]), s_id, Path));
        Assert.Contains("belongs to another grain state", foreign.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomAndMutatedFiles_AreRefused_OnlyWithGrainStateCorruptedException()
    {
        var random = new Random(9);
        byte[] valid = GrainStateFile.Encode(s_id, 3, exists: true, [10, 20, 30, 40]);
        for (int i = 0; i < 4000; i++)
        {
            byte[] input = (i % 4) switch
            {
                0 => RandomBytes(random, random.Next(0, 300)),
                1 => Mutate(random, valid),
                2 => [.. valid.AsSpan(0, random.Next(0, valid.Length)), .. RandomBytes(random, random.Next(0, 64))],
                _ => WithLengths(random, valid),
            };

            try
            {
                GrainStateFile.Content content = GrainStateFile.Decode(input, s_id, Path);
                Assert.Equal(valid, input); // only the untouched file may decode
                Assert.Equal(3, content.Version);
            }
            catch (GrainStateCorruptedException)
            {
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] mutated = (byte[])valid.Clone();
        for (int changes = random.Next(1, 4); changes > 0; changes--)
        {
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
        }

        return mutated;
    }

    private static byte[] WithLengths(Random random, byte[] valid)
    {
        // Header lengths that point past the end or overflow 32-bit arithmetic.
        byte[] mutated = (byte[])valid.Clone();
        uint[] hostile = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, (uint)GrainStateFile.MaxIdLength + 1];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(mutated.AsSpan(16), hostile[random.Next(hostile.Length)]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(mutated.AsSpan(20), hostile[random.Next(hostile.Length)]);
        return mutated;
    }
}
