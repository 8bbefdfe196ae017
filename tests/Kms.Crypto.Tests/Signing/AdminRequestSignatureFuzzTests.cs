using System.Buffers.Text;
using System.Security.Cryptography;
using Kms.Crypto.Signing;

namespace Kms.Crypto.Tests.Signing;

/// <summary>Random and mutated inputs: parsing and verification never throw, and nothing altered ever verifies.</summary>
public sealed class AdminRequestSignatureFuzzTests
{
    private const int Iterations = 2000;
    private const string Method = "POST";
    private const string Target = "/v1/keys/a%20b?version=2";
    private static readonly byte[] s_body = "{\"name\":\"payments\",\"kind\":\"p256\"}"u8.ToArray();
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    // Characters that matter to the parsers: both base64 alphabets, padding, digits, signs, whitespace, non-ASCII.
    private const string Alphabet = "AZaz09-_+/=. \t\r\n\0:%?é１\uFFFD";

    [Fact]
    public void RandomHeaderValues_NeverThrow_AndNeverVerify()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        AdminRequestHeaders valid = AdminRequestSignature.Sign(key, "ops-1", Method, Target, s_body, s_now);
        var random = new Random(20261202);

        for (int i = 0; i < Iterations; i++)
        {
            var headers = (i % 4) switch
            {
                0 => valid with { KeyId = RandomText(random, 70) },
                1 => valid with { Timestamp = RandomText(random, 14) },
                2 => valid with { Nonce = RandomText(random, 90) },
                _ => valid with { Signature = RandomText(random, 90) },
            };

            AssertRejected(headers, Method, Target, s_body, spki);
        }
    }

    [Fact]
    public void MutatedHeaderValues_NeverThrow_AndNeverVerify()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        AdminRequestHeaders valid = AdminRequestSignature.Sign(key, "ops-1", Method, Target, s_body, s_now);
        var random = new Random(7);

        for (int i = 0; i < Iterations; i++)
        {
            var headers = (i % 4) switch
            {
                0 => valid with { KeyId = Mutate(random, valid.KeyId) },
                1 => valid with { Timestamp = Mutate(random, valid.Timestamp) },
                2 => valid with { Nonce = Mutate(random, valid.Nonce) },
                _ => valid with { Signature = Mutate(random, valid.Signature) },
            };

            AssertRejected(headers, Method, Target, s_body, spki);
        }
    }

    [Fact]
    public void FlippedBitsInSignatureMethodTargetOrBody_NeverVerify()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        AdminRequestHeaders valid = AdminRequestSignature.Sign(key, "ops-1", Method, Target, s_body, s_now);
        Assert.True(AdminRequestSignature.Verify(valid, Method, Target, s_body, spki).IsValid);
        byte[] signature = Base64Url.DecodeFromChars(valid.Signature);
        var random = new Random(42);

        for (int i = 0; i < Iterations; i++)
        {
            switch (i % 4)
            {
                case 0:
                    AssertRejected(valid with { Signature = Base64Url.EncodeToString(FlipBit(random, signature)) },
                        Method, Target, s_body, spki);
                    break;
                case 1:
                    string method = FlipBit(random, Method);
                    if (string.Equals(method, Method, StringComparison.OrdinalIgnoreCase))
                    {
                        // The method is signed upper-cased, so a change of case alone still verifies.
                        Assert.True(AdminRequestSignature.Verify(valid, method, Target, s_body, spki).IsValid);
                    }
                    else
                    {
                        AssertRejected(valid, method, Target, s_body, spki);
                    }

                    break;
                case 2:
                    AssertRejected(valid, Method, FlipBit(random, Target), s_body, spki);
                    break;
                default:
                    AssertRejected(valid, Method, Target, FlipBit(random, s_body), spki);
                    break;
            }
        }
    }

    [Fact]
    public void RandomAndMutatedPublicKeys_NeverThrow_AndNeverVerify()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        AdminRequestHeaders valid = AdminRequestSignature.Sign(key, "ops-1", Method, Target, s_body, s_now);
        var random = new Random(99);

        for (int i = 0; i < Iterations; i++)
        {
            byte[] candidate = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 120)),
                1 => FlipBit(random, spki),
                _ => spki[..random.Next(0, spki.Length)],
            };

            AssertRejected(valid, Method, Target, s_body, candidate);
        }
    }

    private static void AssertRejected(
        AdminRequestHeaders headers, string method, string target, byte[] body, byte[] spki)
    {
        AdminSignatureCheck check = AdminRequestSignature.Verify(headers, method, target, body, spki);
        Assert.False(check.IsValid, $"verified: {headers} {method} {target}");
        Assert.NotEqual(AdminSignatureFailure.None, check.Failure);
        Assert.False(string.IsNullOrWhiteSpace(check.Message));
    }

    private static string RandomText(Random random, int maxLength)
    {
        char[] text = new char[random.Next(0, maxLength + 1)];
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = random.Next(3) == 0 ? (char)random.Next(0, 0x10000) : Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(text);
    }

    private static string Mutate(Random random, string value)
    {
        int position = random.Next(value.Length);
        char replacement = Alphabet[random.Next(Alphabet.Length)];
        string mutated = random.Next(4) switch
        {
            0 => value.Remove(position, 1),
            1 => value.Insert(position, replacement.ToString()),
            2 => value + replacement,
            _ => string.Concat(value.AsSpan(0, position), replacement.ToString(), value.AsSpan(position + 1)),
        };
        return mutated == value ? value + "=" : mutated;
    }

    private static byte[] FlipBit(Random random, byte[] value)
    {
        byte[] copy = (byte[])value.Clone();
        int bit = random.Next(copy.Length * 8);
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static string FlipBit(Random random, string value)
    {
        char[] copy = value.ToCharArray();
        int position = random.Next(copy.Length);
        copy[position] = (char)(copy[position] ^ (1 << random.Next(7)));
        return new string(copy);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
