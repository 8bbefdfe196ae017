using Kms.Crypto.P256;

namespace Kms.Crypto.Tests;

/// <summary>Mutation helpers for parser tests: every outcome must be a value or a CryptographicFormatException.</summary>
internal static class Fuzz
{
    public static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] data = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0:
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 1:
                return data[..random.Next(data.Length)];
            case 2:
                byte[] extra = new byte[random.Next(1, 40)];
                random.NextBytes(extra);
                return [.. data, .. extra];
            case 3:
                byte[] noise = new byte[random.Next(0, valid.Length * 2)];
                random.NextBytes(noise);
                return noise;
            default:
                data[random.Next(data.Length)] = (byte)random.Next(256);
                return data;
        }
    }

    /// <summary><paramref name="length"/> bytes of noise from <paramref name="random"/> (seeded, so a failure reproduces).</summary>
    public static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public static void Parse(Action parse)
    {
        try
        {
            parse();
        }
        catch (CryptographicFormatException)
        {
            // the expected rejection
        }
    }
}
