using System.Security.Cryptography;
using Kms.Crypto.Rsa;

namespace Kms.Crypto.Tests.Rsa;

public sealed class RsaDecryptionKeyTests
{
    private static readonly Lazy<RsaDecryptionKey> s_key = new(() => RsaDecryptionKey.Generate(2048));

    [Fact]
    public void DecryptsWhatTheKmsEncrypts()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);

        byte[] ciphertext = RsaSecretEncryption.EncryptOaepSha256(s_key.Value.PublicKey, secret);

        Assert.Equal(secret, s_key.Value.DecryptOaepSha256(ciphertext));
    }

    [Fact]
    public void DecryptsWhatOpenSslEncrypts_WithAnOpenSslGeneratedKey()
    {
        using var openssl = new OpenSslCli();
        string keyPath = openssl.PathOf("key.pem");
        openssl.RunChecked("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath);
        string publicPath = openssl.PathOf("pub.pem");
        openssl.RunChecked("pkey", "-in", keyPath, "-pubout", "-out", publicPath);
        byte[] secret = RandomNumberGenerator.GetBytes(64);
        string input = openssl.Write("pt.bin", secret);
        string output = openssl.PathOf("ct.bin");

        openssl.RunChecked(
            "pkeyutl", "-encrypt", "-pubin", "-inkey", publicPath, "-in", input, "-out", output,
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");

        using RsaDecryptionKey key = RsaDecryptionKey.ImportPem(File.ReadAllText(keyPath));
        Assert.Equal(secret, key.DecryptOaepSha256(File.ReadAllBytes(output)));
    }

    [Fact]
    public void OpenSslDecryptsAfterAnExportRoundTrip()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(16);
        byte[] ciphertext = RsaSecretEncryption.EncryptOaepSha256(s_key.Value.PublicKey, secret);
        using var openssl = new OpenSslCli();
        string key = openssl.Write("key.pem", s_key.Value.ExportPkcs8Pem());
        string output = openssl.PathOf("pt.bin");

        openssl.RunChecked(
            "pkeyutl", "-decrypt", "-inkey", key, "-in", openssl.Write("ct.bin", ciphertext), "-out", output,
            "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");

        Assert.Equal(secret, File.ReadAllBytes(output));
    }

    [Fact]
    public void OtherPaddings_AreRefusedWithOneMessage()
    {
        using var openssl = new OpenSslCli();
        string keyPath = openssl.Write("key.pem", s_key.Value.ExportPkcs8Pem());
        string input = openssl.Write("pt.bin", "secret"u8.ToArray());
        var messages = new List<string>();
        foreach (string[] options in new[]
        {
            new[] { "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha1" },
            new[] { "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1" },
            new[] { "-pkeyopt", "rsa_padding_mode:pkcs1" },
        })
        {
            string output = openssl.PathOf("ct.bin");
            openssl.RunChecked(["pkeyutl", "-encrypt", "-inkey", keyPath, "-in", input, "-out", output, .. options]);
            messages.Add(Assert.Throws<RsaDecryptionException>(() => s_key.Value.DecryptOaepSha256(File.ReadAllBytes(output))).Message);
        }

        Assert.Single(messages.Distinct());
    }

    [Fact]
    public void Fuzz_WrongLengthsAndMutations_OnlyThrowRsaDecryptionException()
    {
        byte[] ciphertext = RsaSecretEncryption.EncryptOaepSha256(s_key.Value.PublicKey, "payload"u8);
        var random = new Random(7);

        foreach (int length in new[] { 0, 1, 255, 257, 512 })
        {
            Assert.Throws<RsaDecryptionException>(() => s_key.Value.DecryptOaepSha256(new byte[length]));
        }

        for (int i = 0; i < 100; i++)
        {
            byte[] mutated = (byte[])ciphertext.Clone();
            mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
            Assert.Throws<RsaDecryptionException>(() => s_key.Value.DecryptOaepSha256(mutated));
        }
    }

    [Fact]
    public void ImportAndGenerate_RefuseBadKeys()
    {
        Assert.Throws<RsaKeyException>(() => RsaDecryptionKey.ImportPem("not a pem"));
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<RsaKeyException>(() => RsaDecryptionKey.ImportPem(ec.ExportPkcs8PrivateKeyPem()));
        using RSA weak = RSA.Create(1024);
        Assert.Throws<RsaKeyException>(() => RsaDecryptionKey.ImportPem(weak.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<RsaKeyException>(() => RsaDecryptionKey.Generate(1024));
        using RSA publicOnly = RSA.Create(3072);
        Assert.Throws<RsaKeyException>(() => RsaDecryptionKey.ImportPem(publicOnly.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<RsaKeyException>(() => RsaDecryptionKey.ImportPem(publicOnly.ExportRSAPublicKeyPem()));
    }
}
