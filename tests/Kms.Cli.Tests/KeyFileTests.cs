using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kms.Crypto.Hpke;
using Kms.Tests.Shared;

namespace Kms.Cli.Tests;

/// <summary>The key files operators make with openssl, read by <c>cluster init</c> and <c>cluster recover</c> (against a
/// dead address: exit 3 means every local file was accepted, exit 2 that one was refused).</summary>
public sealed class KeyFileTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("kms-cli-keys-").FullName;
    private readonly string _deadUrl = $"http://127.0.0.1:{DevSiloProcess.FreePort()}";

    [Fact]
    public async Task ClusterInit_ReadsOpensslP256AndX25519Keys()
    {
        string signing = await OpensslAsync("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", Path.Combine(_work, "admin.pem"));
        string recovery = await OpensslAsync("genpkey", "-algorithm", "X25519", "-out", Path.Combine(_work, "recovery.pem"));
        string recoveryPublic = await OpensslAsync("pkey", "-in", recovery, "-pubout", "-out", Path.Combine(_work, "recovery.pub.pem"));

        CliResult accepted = await CliRunner.RunAsync("--url", _deadUrl, "--timeout", "2", "cluster", "init", "--threshold", "1",
            "--admin", $"ops={signing},{recoveryPublic}", "--json");
        Assert.True(accepted.ExitCode == 3, accepted.ToString());

        CliResult sharesNowhere = await CliRunner.RunAsync("--url", _deadUrl, "cluster", "init", "--threshold", "1", "--recovery-threshold", "2",
            "--admin", $"ops={signing},{recoveryPublic}");
        Assert.Equal(2, sharesNowhere.ExitCode);
        Assert.Contains("--out", sharesNowhere.StdErr, StringComparison.Ordinal);

        CliResult privateAsPublic = await CliRunner.RunAsync("--url", _deadUrl, "cluster", "init", "--threshold", "1", "--admin", $"ops={signing},{recovery}");
        Assert.Equal(2, privateAsPublic.ExitCode);
        Assert.Contains("not an X25519 key", privateAsPublic.StdErr, StringComparison.Ordinal);
        CliResult notAKey = await CliRunner.RunAsync("--url", _deadUrl, "cluster", "init", "--threshold", "1", "--admin", $"ops={recoveryPublic}");
        Assert.Equal(2, notAKey.ExitCode);
    }

    [Fact]
    public async Task ClusterRecover_OpensSealedSharesWithTheMatchingOpensslX25519Key()
    {
        string recovery = await OpensslAsync("genpkey", "-algorithm", "X25519", "-out", Path.Combine(_work, "ops.pem"));
        string other = await OpensslAsync("genpkey", "-algorithm", "X25519", "-out", Path.Combine(_work, "other.pem"));
        string publicDer = await OpensslAsync("pkey", "-in", recovery, "-pubout", "-outform", "DER", "-out", Path.Combine(_work, "ops.pub.der"));
        byte[] publicKey = File.ReadAllBytes(publicDer)[^32..];

        // Sealed as the cluster grain seals a recovery share (docs/api.md): HPKE X25519, AES-128-GCM, aad = admin name.
        HpkeSealedMessage sealedShare = HpkeX25519.SealMessage(publicKey, "Orleans.Kms recovery share v1"u8, "ops"u8, RandomNumberGenerator.GetBytes(33), HpkeAead.Aes128Gcm);
        string shareFile = Path.Combine(_work, "ops.recovery-share.json");
        File.WriteAllText(shareFile, JsonSerializer.Serialize(new
        {
            admin = "ops",
            encapsulation = Convert.ToBase64String(sealedShare.EncapsulatedKey),
            ciphertext = Convert.ToBase64String(sealedShare.Ciphertext),
        }));

        CliResult opened = await CliRunner.RunAsync("--url", _deadUrl, "--timeout", "2", "cluster", "recover", "--share", shareFile,
            "--recovery-key", other, "--recovery-key", recovery, "--threshold", "1");
        Assert.True(opened.ExitCode == 3, opened.ToString());

        CliResult wrongKey = await CliRunner.RunAsync("--url", _deadUrl, "cluster", "recover", "--share", shareFile, "--recovery-key", other, "--threshold", "1");
        Assert.Equal(2, wrongKey.ExitCode);

        File.WriteAllText(shareFile, File.ReadAllText(shareFile).Replace("\"ops\"", "\"mallory\"", StringComparison.Ordinal));
        CliResult otherAdmin = await CliRunner.RunAsync("--url", _deadUrl, "cluster", "recover", "--share", shareFile, "--recovery-key", recovery, "--threshold", "1");
        Assert.Equal(2, otherAdmin.ExitCode);
    }

    [Fact]
    public async Task FuzzedP256KeyFiles_AreUsageErrors_NeverCrashes()
    {
        var random = new Random(4350);
        string seed = await OpensslAsync("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", Path.Combine(_work, "seed.pem"));
        byte[] valid = File.ReadAllBytes(seed);
        int refused = 0;
        for (int i = 0; i < 40; i++)
        {
            byte[] mutated = valid.ToArray();
            for (int j = random.Next(1, 6); j > 0; j--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            string file = Path.Combine(_work, $"fuzz-{i}.pem");
            File.WriteAllBytes(file, i % 3 == 0 ? Encoding.UTF8.GetBytes(Convert.ToBase64String(mutated[..random.Next(mutated.Length)])) : mutated);
            CliResult result = await CliRunner.RunAsync("--url", _deadUrl, "--timeout", "1", "cluster", "init", "--threshold", "1", "--admin", $"ops={file}");
            // 3: the mutation left a usable key (only the dead address failed); anything else is a defect.
            Assert.True(result.ExitCode is 2 or 3, result.ToString());
            refused += result.ExitCode == 2 ? 1 : 0;
        }

        Assert.True(refused > 20, $"only {refused} of 40 mutated keys were refused");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static async Task<string> OpensslAsync(params string[] args)
    {
        CliResult result = await CliRunner.RunAsync(new ProcessStartInfo("openssl", args));
        Assert.True(result.ExitCode == 0, result.ToString());
        return args[Array.IndexOf(args, "-out") + 1];
    }
}
