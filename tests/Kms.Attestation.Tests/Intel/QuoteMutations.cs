namespace Kms.Attestation.Tests.Intel;

/// <summary>Mutated copies of a quote for fuzz-style tests: 1 to 7 random bytes replaced, every fifth also cut or extended.</summary>
internal static class QuoteMutations
{
    public static IEnumerable<byte[]> Of(byte[] original, int seed, int count)
    {
        Random random = new(seed);
        for (int i = 0; i < count; i++)
        {
            byte[] data = (byte[])original.Clone();
            int flips = random.Next(1, 8);
            for (int f = 0; f < flips; f++)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }

            if (i % 5 == 0)
            {
                Array.Resize(ref data, Math.Max(0, data.Length + random.Next(-200, 200)));
            }

            yield return data;
        }
    }
}
