using System.Security.Cryptography;
using Kms.Crypto.Hpke;
using Kms.Crypto.Release;
using Kms.Grains.KeyShares;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;

namespace Kms.Grains.Tests.Kms;

/// <summary>Hostile input to the release path's parsers: random and mutated values end in a refusal, never a crash.</summary>
public sealed class ReleaseInputFuzzTests
{
    private const int Iterations = 2000;

    [Fact]
    public void RandomRecipientKeysAreRefusedOrAcceptedButNeverCrash()
    {
        var random = new Random(11);
        string[] schemes = [.. ReleaseSealer.Schemes, "", "HPKE-X25519", "hpke-x25519 "];
        using RSA rsa = RSA.Create(2048);
        byte[] spki = rsa.ExportSubjectPublicKeyInfo();
        for (int i = 0; i < Iterations; i++)
        {
            string scheme = schemes[random.Next(schemes.Length)];
            byte[] key = random.Next(3) switch
            {
                0 => RandomNumberGenerator.GetBytes(random.Next(0, 600)),
                1 => Mutate(spki, random),
                _ => [0x04, .. RandomNumberGenerator.GetBytes(64)],
            };
            try
            {
                ReleaseSealer.Validate(new RecipientKey(scheme, key));
                (byte[] _, byte[] ciphertext) = ReleaseSealer.Seal(new RecipientKey(scheme, key), new byte[32]);
                Assert.NotEmpty(ciphertext);
            }
            catch (KmsException exception)
            {
                Assert.Equal(KmsErrorKind.MalformedInput, exception.Kind);
            }
        }
    }

    [Fact]
    public void RandomAndMutatedSealedSharesAreRefusedCleanly()
    {
        var random = new Random(12);
        using X25519KeyPair transport = X25519KeyPair.Generate();
        ScalarShareFixture share = ScalarShareFixture.Create();
        SealedShare valid = ShareTransport.Seal(share.Share, "silo-1/1", transport.PublicKey);
        Assert.Equal(share.Share, ShareTransport.Open(valid, "silo-1/1", transport));
        for (int i = 0; i < Iterations; i++)
        {
            SealedShare hostile = random.Next(4) switch
            {
                0 => valid with { Encapsulation = Mutate(valid.Encapsulation, random) },
                1 => valid with { Ciphertext = Mutate(valid.Ciphertext, random) },
                2 => valid with { ShareIndex = random.Next(-5, 300) },
                _ => new SealedShare(random.Next(256), RandomNumberGenerator.GetBytes(random.Next(40)), RandomNumberGenerator.GetBytes(random.Next(80))),
            };
            if (hostile.Equals(valid) || (hostile.ShareIndex == valid.ShareIndex && hostile.Encapsulation.SequenceEqual(valid.Encapsulation) && hostile.Ciphertext.SequenceEqual(valid.Ciphertext)))
            {
                continue;
            }

            KmsException error = Assert.Throws<KmsException>(() => ShareTransport.Open(hostile, "silo-1/1", transport));
            Assert.Equal(KmsErrorKind.MalformedInput, error.Kind);
        }

        // Sealed for another holder: refused.
        Assert.Throws<KmsException>(() => ShareTransport.Open(valid, "silo-2/1", transport));
    }

    [Fact]
    public void RandomMeasurementsGiveAnIdentityOrARefusal()
    {
        var random = new Random(13);
        string[] tees = [.. NamespaceNames.TeeTypes, "unknown"];
        string[] names = ["rtmr0", "rtmr1", "rtmr2", "rtmr3", "measurement", "host_data", "pcr4", "pcr9", "pcr11", "mrenclave"];
        for (int i = 0; i < Iterations; i++)
        {
            var measurements = names.Where(_ => random.Next(3) != 0)
                .ToDictionary(n => n, n => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(random.Next(new[] { 0, 31, 32, 48, 64 }.Length) switch { 0 => 0, 1 => 31, 2 => 32, 3 => 48, _ => 64 })));
            var workload = new VerifiedWorkload("x", tees[random.Next(tees.Length)], false, "UpToDate", [], measurements, []);
            try
            {
                Assert.True(NamespaceNames.IsValidIdentity(MeasurementIdentity.Compute(workload)));
            }
            catch (KmsException exception)
            {
                Assert.Equal(KmsErrorKind.PolicyDenied, exception.Kind);
            }
        }
    }

    [Fact]
    public void ReportDataRefusesEveryMalformedPart()
    {
        var random = new Random(14);
        for (int i = 0; i < Iterations; i++)
        {
            byte[] challenge = RandomNumberGenerator.GetBytes(random.Next(3) == 0 ? random.Next(64) : 32);
            byte[] instance = RandomNumberGenerator.GetBytes(random.Next(3) == 0 ? random.Next(64) : 32);
            string scheme = random.Next(4) == 0 ? new string((char)random.Next(0, 200), random.Next(0, 40)) : "hpke-x25519";
            byte[] key = RandomNumberGenerator.GetBytes(random.Next(4) == 0 ? random.Next(0, 5000) : 32);
            try
            {
                byte[] reportData = ReleaseBinding.ReportData(challenge, instance, scheme, key);
                Assert.Equal(64, reportData.Length);
                Assert.Equal(challenge, reportData[..32]);
            }
            catch (ArgumentException)
            {
            }
        }
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        byte[] copy = (byte[])input.Clone();
        switch (random.Next(3))
        {
            case 0 when copy.Length > 0:
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 1:
                return copy[..random.Next(copy.Length + 1)];
            default:
                return [.. copy, .. RandomNumberGenerator.GetBytes(random.Next(1, 8))];
        }
    }

    /// <summary>A real share of a fresh 2-of-3 split.</summary>
    private sealed record ScalarShareFixture(Crypto.Sharing.ScalarShare Share)
    {
        public static ScalarShareFixture Create() => new(Crypto.Sharing.ShamirP256.GenerateAndSplit(2, 3).Shares[0]);
    }
}
