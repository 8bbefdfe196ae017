using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Ecies;
using Kms.Crypto.Tests.Hpke;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace Kms.Crypto.Tests.Ecies;

public sealed class GoEciesTests
{
    // seeds-protocols.md §1.12 (derived vector): recipient d = SHA-256("recipient"), ephemeral d = SHA-256("ephemeral"),
    // IV 00..0b, plaintext "hello".
    private const string RecipientScalar = "665d0698dbc8fb95afc25c3a4d9cf280d87a585b7999243ca6008fd03258975f";
    private const string EphemeralScalar = "8341425cafede9d24b0599aefdfdeff1c1526ed75b07217eb99bf8c0b7498b81";
    private const string ExpectedBlob =
        "0041049a781ca6d055a7f30d0c9ff87936c739f6816ef5f5e72b4b946404b0a1a83b2ac19f842945ea2bf65aa1649b2b02ff79854c8d5ecfcd403862e8a97ea66c71c1000102030405060708090a0bf4ea3e620d7bd86242364022126094ff68e637c559";

    [Fact]
    public void Scalars_AreTheDocumentedHashes()
    {
        Assert.Equal(RecipientScalar, Convert.ToHexStringLower(SHA256.HashData("recipient"u8)));
        Assert.Equal(EphemeralScalar, Convert.ToHexStringLower(SHA256.HashData("ephemeral"u8)));
    }

    [Fact]
    public void Encrypt_MatchesTheGoVector()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        using ECDiffieHellman ephemeral = P256TestKeys.P256Ecdh(EphemeralScalar);

        byte[] blob = GoEcies.Encrypt(recipient, "hello"u8, ephemeral, Convert.FromHexString("000102030405060708090a0b"));

        Assert.Equal(ExpectedBlob, Convert.ToHexStringLower(blob));
    }

    [Fact]
    public void Decrypt_OpensTheGoVector()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);

        byte[] plaintext = GoEcies.Decrypt(recipient, Convert.FromHexString(ExpectedBlob));

        Assert.Equal("hello", Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void LeadingZeroSharedX_UsesTheStrippedCoordinate()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        (ECDiffieHellman ephemeral, byte[] sharedX) = FindEphemeralWithLeadingZeroX(recipient);
        using (ephemeral)
        {
            Assert.Equal(0, sharedX[0]);
            byte[] iv = new byte[GoEcies.IvSize];
            byte[] plaintext = Encoding.UTF8.GetBytes("leading zero in x");

            byte[] blob = GoEcies.Encrypt(recipient, plaintext, ephemeral, iv);

            // Independent check with BouncyCastle: x as a big integer's minimal bytes (Go's big.Int.Bytes()).
            byte[] goKey = SHA256.HashData(IndependentSharedX(RecipientScalar, ephemeral).ToByteArrayUnsigned());
            byte[] fixedWidthKey = SHA256.HashData(sharedX);
            Assert.NotEqual(goKey, fixedWidthKey);
            Assert.Equal(plaintext, BouncyCastleGcmOpen(goKey, iv, blob.AsSpan(2 + GoEcies.PointSize + GoEcies.IvSize).ToArray()));
            Assert.Equal(plaintext, GoEcies.Decrypt(recipient, blob));
        }
    }

    [Fact]
    public void RoundTrip_RandomEphemeral_IncludingEmptyPlaintext()
    {
        using ECDiffieHellman recipient = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        foreach (int length in new[] { 0, 1, 31, 1024 })
        {
            byte[] plaintext = RandomNumberGenerator.GetBytes(length);
            byte[] blob = GoEcies.Encrypt(recipient, plaintext);
            Assert.Equal(GoEcies.Overhead + length, blob.Length);
            Assert.Equal(plaintext, GoEcies.Decrypt(recipient, blob));
        }
    }

    [Fact]
    public void Decrypt_RejectsBadLengthPrefix()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] blob = Convert.FromHexString(ExpectedBlob);
        blob[1] = 0x21; // 33: a compressed point is not what Go marshals

        Assert.Throws<EciesException>(() => GoEcies.Decrypt(recipient, blob));
    }

    [Fact]
    public void Decrypt_RejectsPointNotOnCurve()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] blob = Convert.FromHexString(ExpectedBlob);
        blob[2 + 64] ^= 0x01; // last byte of Y

        Assert.Throws<EciesException>(() => GoEcies.Decrypt(recipient, blob));
    }

    [Fact]
    public void Decrypt_RejectsCompressedPrefixByte()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] blob = Convert.FromHexString(ExpectedBlob);
        blob[2] = 0x02;

        Assert.Throws<EciesException>(() => GoEcies.Decrypt(recipient, blob));
    }

    [Fact]
    public void Decrypt_RejectsEveryTruncation()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] blob = Convert.FromHexString(ExpectedBlob);
        for (int length = 0; length < blob.Length; length++)
        {
            byte[] truncated = blob[..length];
            Assert.Throws<EciesException>(() => GoEcies.Decrypt(recipient, truncated));
        }
    }

    [Fact]
    public void Decrypt_RejectsEverySingleBitFlipInIvCiphertextAndTag()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] blob = Convert.FromHexString(ExpectedBlob);
        for (int i = 2 + GoEcies.PointSize; i < blob.Length; i++)
        {
            byte[] flipped = (byte[])blob.Clone();
            flipped[i] ^= 0x80;
            Assert.Throws<EciesException>(() => GoEcies.Decrypt(recipient, flipped));
        }
    }

    [Fact]
    public void Decrypt_RejectsExtendedMessage()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] blob = [.. Convert.FromHexString(ExpectedBlob), 0x00];

        Assert.Throws<EciesException>(() => GoEcies.Decrypt(recipient, blob));
    }

    [Fact]
    public void Decrypt_WrongKey_IsRejected()
    {
        using ECDiffieHellman other = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<EciesException>(() => GoEcies.Decrypt(other, Convert.FromHexString(ExpectedBlob)));
    }

    [Fact]
    public void Fuzz_RandomAndMutatedInputs_OnlyThrowEciesException()
    {
        using ECDiffieHellman recipient = P256TestKeys.P256Ecdh(RecipientScalar);
        byte[] valid = Convert.FromHexString(ExpectedBlob);
        var random = new Random(1212);
        for (int i = 0; i < 300; i++)
        {
            byte[] input = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 200)),
                1 => Mutate(random, valid),
                _ => [.. valid[..random.Next(0, valid.Length)], .. RandomBytes(random, random.Next(0, 40))],
            };
            try
            {
                GoEcies.Decrypt(recipient, input);
                Assert.Equal(valid, input); // only the untouched message may decrypt
            }
            catch (EciesException)
            {
            }
        }
    }

    [Fact]
    public void Encrypt_RejectsNonP256Key()
    {
        using ECDiffieHellman p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => GoEcies.Encrypt(p384, "x"u8));
    }

    [Fact]
    public void PemKeys_InGoFormats_RoundTrip_FromOpenSsl()
    {
        using var openssl = new Kms.Crypto.Tests.Rsa.OpenSslCli();
        string privatePath = openssl.PathOf("key.pem");
        openssl.RunChecked("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", privatePath);
        openssl.RunChecked("ec", "-in", privatePath, "-pubout", "-out", openssl.PathOf("pub.pem"));
        string privatePem = File.ReadAllText(privatePath);
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", privatePem, StringComparison.Ordinal);

        using ECDiffieHellman publicKey = GoEcies.ImportPublicKeyPem(File.ReadAllText(openssl.PathOf("pub.pem")));
        using ECDiffieHellman privateKey = GoEcies.ImportPrivateKeyPem(privatePem);
        byte[] blob = GoEcies.Encrypt(publicKey, "secret"u8);

        Assert.Equal("secret"u8.ToArray(), GoEcies.Decrypt(privateKey, blob));
    }

    [Fact]
    public void PemKeys_WrongCurveLabelOrShape_AreRejected()
    {
        using ECDiffieHellman p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        using ECDiffieHellman p256 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string publicPem = p256.ExportSubjectPublicKeyInfoPem();

        Assert.Throws<EciesException>(() => GoEcies.ImportPublicKeyPem(p384.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<EciesException>(() => GoEcies.ImportPrivateKeyPem(p384.ExportECPrivateKeyPem()));
        Assert.Throws<EciesException>(() => GoEcies.ImportPublicKeyPem(publicPem + "\n" + publicPem));
        Assert.Throws<EciesException>(() => GoEcies.ImportPrivateKeyPem(publicPem));
        Assert.Throws<EciesException>(() => GoEcies.ImportPublicKeyPem(publicPem.Replace("MFkw", "MFkx", StringComparison.Ordinal)));
        Assert.Throws<EciesException>(() => GoEcies.ImportPublicKeyPem("garbage"));
        using ECDiffieHellman roundTripped = GoEcies.ImportPublicKeyPem(publicPem);
        Assert.Equal(P256TestKeys.UncompressedPoint(p256), P256TestKeys.UncompressedPoint(roundTripped));
    }

    private static (ECDiffieHellman Ephemeral, byte[] SharedX) FindEphemeralWithLeadingZeroX(ECDiffieHellman recipient)
    {
        // Deterministic search: about 1 in 256 ephemeral keys gives an x with a leading zero byte.
        for (int counter = 0; counter < 10_000; counter++)
        {
            byte[] scalar = SHA256.HashData(Encoding.ASCII.GetBytes($"leading-zero-search/{counter}"));
            ECDiffieHellman candidate = P256TestKeys.P256Ecdh(scalar);
            byte[] x = candidate.DeriveRawSecretAgreement(recipient.PublicKey);
            if (x[0] == 0)
            {
                return (candidate, x);
            }

            candidate.Dispose();
        }

        throw new InvalidOperationException("No leading-zero ephemeral key found.");
    }

    private static BigInteger IndependentSharedX(string recipientScalarHex, ECDiffieHellman ephemeral)
    {
        var curve = NistNamedCurves.GetByName("P-256");
        ECParameters e = ephemeral.ExportParameters(false);
        var point = curve.Curve.CreatePoint(new BigInteger(1, e.Q.X), new BigInteger(1, e.Q.Y));
        var shared = point.Multiply(new BigInteger(recipientScalarHex, 16)).Normalize();
        return shared.AffineXCoord.ToBigInteger();
    }

    private static byte[] BouncyCastleGcmOpen(byte[] key, byte[] iv, byte[] sealedData)
    {
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(false, new AeadParameters(new KeyParameter(key), 128, iv));
        byte[] output = new byte[gcm.GetOutputSize(sealedData.Length)];
        int n = gcm.ProcessBytes(sealedData, 0, sealedData.Length, output, 0);
        n += gcm.DoFinal(output, n);
        return output[..n];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] copy = (byte[])valid.Clone();
        int flips = random.Next(1, 4);
        for (int i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }
}
