using System.Globalization;
using System.Text;
using System.Text.Json;
using Kms.Governance.Canonical;

namespace Kms.Governance.Tests.Canonical;

public sealed class JsonCanonicalizerFuzzTests
{
    [Fact]
    public void RandomDoubles_FormatToShortestRoundTrip()
    {
        var random = new Random(8785);
        for (int i = 0; i < 20_000; i++)
        {
            double value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            string text = EcmaScriptNumberFormatter.Format(value);
            double parsed = double.Parse(text, CultureInfo.InvariantCulture);
            Assert.True(parsed == value, $"{value:R} -> {text}");
            Assert.DoesNotContain("E", text, StringComparison.Ordinal);
            Assert.DoesNotContain("+0", text, StringComparison.Ordinal);
            Assert.False(text.Contains('.', StringComparison.Ordinal) && text.Split('e')[0].EndsWith('0'), text);
        }
    }

    [Fact]
    public void RandomIntegers_FormatAsPlainDigits()
    {
        var random = new Random(21);
        for (int i = 0; i < 5_000; i++)
        {
            long value = random.NextInt64(-(1L << 53), 1L << 53);
            Assert.Equal(value.ToString(CultureInfo.InvariantCulture), EcmaScriptNumberFormatter.Format(value));
        }
    }

    [Fact]
    public void RandomJson_CanonicalFormIsIdempotentAndEquivalent()
    {
        var random = new Random(1337);
        for (int i = 0; i < 500; i++)
        {
            string json = RandomJson(random, 0);
            byte[] once = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json));
            byte[] twice = JsonCanonicalizer.Canonicalize(once);
            Assert.Equal(once, twice);

            // Semantics are preserved: both texts hold the same values (numbers as IEEE-754 doubles).
            using JsonDocument original = JsonDocument.Parse(json);
            using JsonDocument canonical = JsonDocument.Parse(once);
            Assert.True(SameValue(original.RootElement, canonical.RootElement), json);
        }
    }

    [Fact]
    public void MutatedJson_EitherCanonicalizesOrThrowsTyped()
    {
        var random = new Random(4242);
        for (int i = 0; i < 2_000; i++)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(RandomJson(random, 0));
            byte[] mutated = (random.Next(3)) switch
            {
                0 => Flip(bytes, random),
                1 => bytes[..random.Next(bytes.Length)],
                _ => [.. bytes, (byte)random.Next(256)],
            };

            try
            {
                byte[] canonical = JsonCanonicalizer.Canonicalize(mutated);
                Assert.Equal(canonical, JsonCanonicalizer.Canonicalize(canonical));
            }
            catch (JsonCanonicalizationException)
            {
            }
        }
    }

    [Fact]
    public void RandomBytes_ThrowTyped()
    {
        var random = new Random(99);
        for (int i = 0; i < 2_000; i++)
        {
            byte[] bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            try
            {
                JsonCanonicalizer.Canonicalize(bytes);
            }
            catch (JsonCanonicalizationException)
            {
            }
        }
    }

    private static bool SameValue(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return a.GetDouble() == b.GetDouble();
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength()
                    && a.EnumerateArray().Zip(b.EnumerateArray()).All(pair => SameValue(pair.First, pair.Second));
            case JsonValueKind.Object:
                var left = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var right = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                return left.Count == right.Count
                    && left.All(pair => right.TryGetValue(pair.Key, out JsonElement other) && SameValue(pair.Value, other));
            default:
                return true;
        }
    }

    private static byte[] Flip(byte[] bytes, Random random)
    {
        byte[] copy = (byte[])bytes.Clone();
        if (copy.Length > 0)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static string RandomJson(Random random, int depth)
    {
        int kind = depth >= 4 ? random.Next(4) : random.Next(6);
        switch (kind)
        {
            case 0:
                return RandomNumber(random);
            case 1:
                return JsonSerializer.Serialize(RandomString(random));
            case 2:
                return random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" };
            case 3:
                return RandomNumber(random);
            case 4:
                {
                    int count = random.Next(5);
                    var items = new List<string>();
                    for (int i = 0; i < count; i++)
                    {
                        items.Add(RandomJson(random, depth + 1));
                    }

                    return "[ " + string.Join(" ,\n", items) + " ]";
                }

            default:
                {
                    int count = random.Next(5);
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    var members = new List<string>();
                    for (int i = 0; i < count; i++)
                    {
                        string name = RandomString(random);
                        if (names.Add(name))
                        {
                            members.Add(JsonSerializer.Serialize(name) + " : " + RandomJson(random, depth + 1));
                        }
                    }

                    return "{" + string.Join(",", members) + "}";
                }
        }
    }

    private static string RandomNumber(Random random) => random.Next(4) switch
    {
        0 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        1 => (random.NextDouble() * Math.Pow(10, random.Next(-30, 30))).ToString("R", CultureInfo.InvariantCulture),
        2 => random.NextInt64().ToString(CultureInfo.InvariantCulture) + "e" + random.Next(-20, 20).ToString(CultureInfo.InvariantCulture),
        _ => "-" + random.Next(0, 100).ToString(CultureInfo.InvariantCulture) + "." + random.Next(0, 1000).ToString(CultureInfo.InvariantCulture) + "00",
    };

    private static string RandomString(Random random)
    {
        string[] pieces = ["a", "b", "Z", "é", "€", "\ud83d\ude00", "\n", "\u0001", "\"", "\\", "/", "\u2028", "\ufb33", "1"];
        var builder = new StringBuilder();
        int length = random.Next(6);
        for (int i = 0; i < length; i++)
        {
            builder.Append(pieces[random.Next(pieces.Length)]);
        }

        return builder.ToString();
    }
}
