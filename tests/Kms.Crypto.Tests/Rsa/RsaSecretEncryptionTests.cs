using System.Buffers.Text;
using System.Security.Cryptography;
using Kms.Crypto.Rsa;

namespace Kms.Crypto.Tests.Rsa;

public sealed class RsaSecretEncryptionTests
{
    private static readonly Lazy<RSA> s_rsa2048 = new(() => RSA.Create(2048));

    private static RsaRecipientKey JwkOf(RSA rsa)
    {
        RSAParameters p = rsa.ExportParameters(false);
        return RsaRecipientKey.FromJwk(Base64Url.EncodeToString(p.Modulus), Base64Url.EncodeToString(p.Exponent));
    }

    [Fact]
    public void OaepSha256_DecryptsWithBclPrivateKey()
    {
        RSA rsa = s_rsa2048.Value;
        byte[] secret = RandomNumberGenerator.GetBytes(32);

        byte[] ciphertext = RsaSecretEncryption.EncryptOaepSha256(JwkOf(rsa), secret);

        Assert.Equal(256, ciphertext.Length);
        Assert.Equal(secret, rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA256));
        Assert.ThrowsAny<CryptographicException>(() => rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA1));
    }

    [Fact]
    public void OaepSha256_DecryptsWithOpenSslPkeyutl()
    {
        RSA rsa = s_rsa2048.Value;
        byte[] secret = RandomNumberGenerator.GetBytes(48);
        byte[] ciphertext = RsaSecretEncryption.EncryptOaepSha256(JwkOf(rsa), secret);
        using var openssl = new OpenSslCli();
        string key = openssl.Write("key.pem", rsa.ExportPkcs8PrivateKeyPem());
        string input = openssl.Write("ct.bin", ciphertext);
        string output = openssl.PathOf("pt.bin");

        openssl.RunChecked(
            "pkeyutl", "-decrypt", "-inkey", key, "-in", input, "-out", output,
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");

        Assert.Equal(secret, File.ReadAllBytes(output));
    }

    [Fact]
    public void OaepSha256_OpenSslRejectsMgf1Sha1_ProvingMgfIsSha256()
    {
        RSA rsa = s_rsa2048.Value;
        byte[] ciphertext = RsaSecretEncryption.EncryptOaepSha256(JwkOf(rsa), "x"u8);
        using var openssl = new OpenSslCli();
        string key = openssl.Write("key.pem", rsa.ExportPkcs8PrivateKeyPem());
        string input = openssl.Write("ct.bin", ciphertext);

        (int exitCode, _, _) = openssl.Run(
            "pkeyutl", "-decrypt", "-inkey", key, "-in", input, "-out", openssl.PathOf("pt.bin"),
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha1");

        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public void Pkcs1V15_IsRefusedWithoutOptIn()
    {
        Assert.Throws<NotSupportedException>(() =>
            RsaSecretEncryption.Encrypt(JwkOf(s_rsa2048.Value), "x"u8, RsaSecretPadding.Pkcs1V15, RsaSecretEncryptionOptions.Default));
    }

    [Fact]
    public void Pkcs1V15_WithOptIn_DecryptsWithBclAndOpenSsl()
    {
        RSA rsa = s_rsa2048.Value;
        byte[] secret = "passphrase"u8.ToArray();
        RSAParameters p = rsa.ExportParameters(false);
        // The reference KBS sends k-mod / k-exp as standard base64.
        RsaRecipientKey key = RsaRecipientKey.FromBase64(Convert.ToBase64String(p.Modulus!), Convert.ToBase64String(p.Exponent!));

        byte[] ciphertext = RsaSecretEncryption.Encrypt(key, secret, RsaSecretPadding.Pkcs1V15, new RsaSecretEncryptionOptions { AllowInsecurePkcs1V15 = true });

        Assert.Equal(secret, rsa.Decrypt(ciphertext, RSAEncryptionPadding.Pkcs1));
        using var openssl = new OpenSslCli();
        string keyPath = openssl.Write("key.pem", rsa.ExportPkcs8PrivateKeyPem());
        string input = openssl.Write("ct.bin", ciphertext);
        openssl.RunChecked("pkeyutl", "-decrypt", "-inkey", keyPath, "-in", input, "-out", openssl.PathOf("pt.bin"), "-pkeyopt", "rsa_padding_mode:pkcs1");
        Assert.Equal(secret, File.ReadAllBytes(openssl.PathOf("pt.bin")));
    }

    [Fact]
    public void Encrypt_RejectsOversizedPlaintext()
    {
        RsaRecipientKey key = JwkOf(s_rsa2048.Value);
        int max = RsaSecretEncryption.MaxPlaintextLength(key, RsaSecretPadding.OaepSha256);

        Assert.Equal(256 - 66, max);
        Assert.Equal(256, RsaSecretEncryption.EncryptOaepSha256(key, new byte[max]).Length);
        Assert.Throws<ArgumentException>(() => RsaSecretEncryption.EncryptOaepSha256(key, new byte[max + 1]));
    }

    [Fact]
    public void FromJwk_RejectsWeakOrMalformedKeys()
    {
        using RSA small = RSA.Create(1024);
        RSAParameters p = small.ExportParameters(false);
        RSAParameters good = s_rsa2048.Value.ExportParameters(false);
        string n = Base64Url.EncodeToString(good.Modulus);
        byte[] evenModulus = (byte[])good.Modulus!.Clone();
        evenModulus[^1] &= 0xFE;

        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(Base64Url.EncodeToString(p.Modulus), "AQAB"));
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(Base64Url.EncodeToString(evenModulus), "AQAB"));
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(n, "AQAA")); // even exponent 65536
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(n, "AQ")); // e = 1
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(n, "AA")); // e = 0
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(n, "AQAB=")); // padding
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(n.Replace('-', '+').Replace('_', '/') + "+", "AQAB"));
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk("", "AQAB"));
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(new string('A', 5000), "AQAB"));
        Assert.Throws<RsaKeyException>(() => RsaRecipientKey.FromJwk(n, Base64Url.EncodeToString(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 1 })));
        Assert.Equal(2048, RsaRecipientKey.FromJwk(n, "AQAB").KeySizeInBits);
    }

    [Fact]
    public void FromJwk_AcceptsAndStripsLeadingZeroOctet()
    {
        RSAParameters good = s_rsa2048.Value.ExportParameters(false);
        RsaRecipientKey key = RsaRecipientKey.FromJwk(Base64Url.EncodeToString([0, .. good.Modulus!]), "AQAB");

        Assert.Equal(256, key.ModulusSizeInBytes);
        Assert.Equal(2048, key.KeySizeInBits);
    }

    [Fact]
    public void Fuzz_RandomJwkMembers_OnlyThrowRsaKeyException()
    {
        var random = new Random(8017);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ ";
        for (int i = 0; i < 300; i++)
        {
            char[] chars = new char[random.Next(0, 400)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                RsaRecipientKey.FromJwk(new string(chars), "AQAB");
            }
            catch (RsaKeyException)
            {
            }
        }
    }
}
