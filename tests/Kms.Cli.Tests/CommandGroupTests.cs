using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Kms.Tests.Shared;

namespace Kms.Cli.Tests;

/// <summary>Each command group against a real dev silo: the <c>--json</c> shape and the exit codes.</summary>
[Collection(DevSiloCollection.Name)]
public sealed class CommandGroupTests(DevSiloFixture fixture) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("kms-cli-tests-").FullName;

    private DevSiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Cluster_Status_Init_Refresh_Recover()
    {
        CliResult status = await CliRunner.RunAsync(Silo, "cluster", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        JsonElement body = status.Json();
        Assert.Equal("active", body.GetProperty("state").GetString());
        Assert.Equal(1, body.GetProperty("threshold").GetInt32());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("committee").ValueKind);
        long epoch = body.GetProperty("epoch").GetInt64();

        CliResult human = await CliRunner.RunAsync(Silo, "cluster", "status");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("share index", human.StdOut, StringComparison.Ordinal);

        CliResult init = await CliRunner.RunAsync(Silo, "cluster", "init", "--threshold", "1", "--admin", $"ops={Path.Combine(Silo.DataDirectory, "dev-admin.key")}", "--json");
        Assert.Equal(1, init.ExitCode);
        Assert.Equal(409, init.Json().GetProperty("error").GetProperty("status").GetInt32());

        CliResult refresh = await CliRunner.RunAsync(Silo, "cluster", "refresh", "--json");
        Assert.True(refresh.ExitCode == 0, refresh.ToString());
        Assert.True(refresh.Json().GetProperty("epoch").GetInt64() > epoch);

        string share = Path.Combine(_work, "share.b64");
        File.WriteAllText(share, Convert.ToBase64String(new byte[33]));
        CliResult recover = await CliRunner.RunAsync(Silo, "cluster", "recover", "--share", share, "--share", share, "--threshold", "1", "--json");
        Assert.Equal(1, recover.ExitCode);
        Assert.InRange(recover.Json().GetProperty("error").GetProperty("status").GetInt32(), 400, 499);

        string sealedShare = Path.Combine(_work, "sealed.json");
        File.WriteAllText(sealedShare, """{"admin":"ops","encapsulation":"AAAA","ciphertext":"AAAA"}""");
        CliResult noKey = await CliRunner.RunAsync(Silo, "cluster", "recover", "--share", sealedShare, "--threshold", "1");
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("No --recovery-key opens", noKey.StdErr, StringComparison.Ordinal);

        CliResult unreachable = await CliRunner.RunAsync("--url", $"http://127.0.0.1:{DevSiloProcess.FreePort()}", "cluster", "status", "--json");
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Equal(3, unreachable.Json().GetProperty("error").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Namespace_Create_Show()
    {
        string ns = "cli-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        CliResult created = await CliRunner.RunAsync(Silo, "namespace", "create", ns, "--tee", "dev", "--tee", "tdx", "--tcb", "UpToDate", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        JsonElement body = created.Json();
        Assert.Equal(ns, body.GetProperty("name").GetString());
        Assert.Equal("registry", body.GetProperty("governance").GetString());
        Assert.Equal(["dev", "tdx"], body.GetProperty("policy").GetProperty("teeTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", body.GetProperty("caCertificate").GetString(), StringComparison.Ordinal);

        Assert.Equal(409, (await CliRunner.RunAsync(Silo, "namespace", "create", ns, "--tee", "dev", "--json")).Json().GetProperty("error").GetProperty("status").GetInt32());
        CliResult show = await CliRunner.RunAsync(Silo, "namespace", "show", ns);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("UpToDate", show.StdOut, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN CERTIFICATE-----", show.StdOut, StringComparison.Ordinal);
        CliResult missing = await CliRunner.RunAsync(Silo, "namespace", "show", ns + "-missing", "--json");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(404, missing.Json().GetProperty("error").GetProperty("status").GetInt32());

        CliResult noAdminKey = await CliRunner.RunAsync(Silo, "namespace", "create", ns + "-x", "--tee", "dev", "--admin-key", Path.Combine(_work, "absent.pem"));
        Assert.Equal(2, noAdminKey.ExitCode);
        string stranger = Path.Combine(_work, "stranger.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(stranger, key.ExportPkcs8PrivateKeyPem());
        }

        CliResult unsigned = await CliRunner.RunAsync(Silo, "namespace", "create", ns + "-y", "--tee", "dev", "--admin-key", stranger, "--json");
        Assert.Equal(1, unsigned.ExitCode);
        Assert.Equal(401, unsigned.Json().GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Measurement_Add_List_Revoke()
    {
        string ns = "cli-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Assert.Equal(0, (await CliRunner.RunAsync(Silo, "namespace", "create", ns, "--tee", "dev", "--json")).ExitCode);
        string identity = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        CliResult added = await CliRunner.RunAsync(Silo, "measurement", "add", ns, identity, "--description", "api v1", "--json");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(identity, added.Json().GetProperty("identity").GetString());
        Assert.Equal("api v1", added.Json().GetProperty("description").GetString());

        CliResult listed = await CliRunner.RunAsync(Silo, "measurement", "list", ns, "--json");
        JsonElement entry = Assert.Single(listed.Json().EnumerateArray());
        Assert.Equal(identity, entry.GetProperty("identity").GetString());

        CliResult revoked = await CliRunner.RunAsync(Silo, "measurement", "revoke", ns, identity, "--json");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal(JsonValueKind.String, revoked.Json().GetProperty("revokedAt").ValueKind);
        CliResult table = await CliRunner.RunAsync(Silo, "measurement", "list", ns);
        Assert.Contains(identity, table.StdOut, StringComparison.Ordinal);
        Assert.Contains("by dev-admin", table.StdOut, StringComparison.Ordinal);

        CliResult malformed = await CliRunner.RunAsync(Silo, "measurement", "add", ns, "not-hex", "--json");
        Assert.Equal(1, malformed.ExitCode);
        Assert.Equal(400, malformed.Json().GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Policy_Init_Sign_Verify_Apply()
    {
        string ns = "cli-policy-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        string edKey = Write("ed25519.key", Convert.ToHexStringLower(seed));
        string ethKey = Write("secp256k1.key", "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(31).Prepend((byte)1).ToArray()));
        string body = Path.Combine(_work, "policy.json");
        string identity = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        CliResult init = await CliRunner.RunAsync("policy", "init", ns, "--serial", "1", "--identity", identity, "--out", body, "--json");
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Equal(1, init.Json().GetProperty("serial").GetInt64());

        CliResult signed = await CliRunner.RunAsync("policy", "sign", body, "--ed25519-key", edKey, "--json");
        Assert.True(signed.ExitCode == 0, signed.ToString());
        string edSigner = signed.Json().GetProperty("signer").GetProperty("signer").GetString()!;
        Assert.Equal("ed25519", signed.Json().GetProperty("signer").GetProperty("scheme").GetString());

        CliResult one = await CliRunner.RunAsync("policy", "verify", body, "--signer", $"ed25519:{edSigner}", "--threshold", "1", "--namespace", ns, "--json");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(one.Json().GetProperty("accepted").GetBoolean());

        CliResult ethSigned = await CliRunner.RunAsync("policy", "sign", body, "--secp256k1-key", ethKey, "--json");
        string ethSigner = ethSigned.Json().GetProperty("signer").GetProperty("signer").GetString()!;
        Assert.StartsWith("0x", ethSigner, StringComparison.Ordinal);
        string[] both = ["--signer", $"ed25519:{edSigner}", "--signer", $"secp256k1-eip191:{ethSigner}"];
        Assert.Equal(0, (await CliRunner.RunAsync(["policy", "verify", body, .. both, "--threshold", "2", "--json"])).ExitCode);
        CliResult below = await CliRunner.RunAsync(["policy", "verify", body, .. both, "--threshold", "2", "--current-serial", "1", "--json"]);
        Assert.Equal(1, below.ExitCode);
        Assert.Equal("SerialNotIncreasing", below.Json().GetProperty("reason").GetString());

        string tampered = Write("tampered.json", File.ReadAllText(body).Replace(identity, new string('0', 64), StringComparison.Ordinal));
        CliResult refused = await CliRunner.RunAsync(["policy", "verify", tampered, .. both, "--threshold", "1", "--json"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.False(refused.Json().GetProperty("accepted").GetBoolean());
        Assert.Equal(2, (await CliRunner.RunAsync("policy", "sign", body, "--ed25519-key", Write("bad.key", "zz"))).ExitCode);

        CliResult created = await CliRunner.RunAsync(Silo, "namespace", "create", ns, "--tee", "dev", "--governance", "policy-documents",
            "--signer", $"ed25519:{edSigner}", "--signer", $"secp256k1-eip191:{ethSigner}", "--signer-threshold", "2", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        CliResult applied = await CliRunner.RunAsync(Silo, "policy", "apply", ns, body, "--json");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal(1, applied.Json().GetProperty("serial").GetInt64());
        CliResult replay = await CliRunner.RunAsync(Silo, "policy", "apply", ns, body, "--json");
        Assert.Equal(1, replay.ExitCode);
        Assert.Equal(409, replay.Json().GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task DevWorkload_ThenCertificateIssue_WithDevEvidence_AndTeeEvidenceUnavailableHere()
    {
        string ns = "cli-dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        string output = Path.Combine(_work, "workload");
        CliResult workload = await CliRunner.RunAsync(Silo, "dev", "workload", "--namespace", ns, "--image", "cli-image", "--scheme", "hpke-xwing", "--out", output, "--json");
        Assert.True(workload.ExitCode == 0, workload.ToString());
        JsonElement result = workload.Json();
        Assert.Equal(ns, result.GetProperty("namespace").GetString());
        Assert.Equal(64, result.GetProperty("identity").GetString()!.Length);
        Assert.Equal(32, result.GetProperty("derivedKey").GetProperty("length").GetInt32());
        Assert.Equal("demo", result.GetProperty("secret").GetProperty("name").GetString());
        Assert.True(File.Exists(result.GetProperty("certificate").GetProperty("file").GetString()));
        Assert.DoesNotContain(Convert.ToBase64String(File.ReadAllBytes(Path.Combine(output, "disk.key"))), workload.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(File.ReadAllBytes(Path.Combine(output, "disk.key"))), workload.StdOut, StringComparison.Ordinal);

        string certificates = Path.Combine(_work, "certificate");
        CliResult issued = await CliRunner.RunAsync(Silo, "certificate", "issue", ns, "--evidence", "dev", "--image", "cli-image", "--cn", "api", "--out", certificates, "--json");
        Assert.True(issued.ExitCode == 0, issued.ToString());
        Assert.Equal(result.GetProperty("identity").GetString(), issued.Json().GetProperty("identity").GetString());
        CliResult verify = await CliRunner.RunAsync(new ProcessStartInfo("openssl",
            ["verify", "-CAfile", Path.Combine(certificates, "ca.pem"), Path.Combine(certificates, "certificate.pem")]));
        Assert.True(verify.ExitCode == 0, verify.ToString());

        CliResult stranger = await CliRunner.RunAsync(Silo, "certificate", "issue", ns, "--evidence", "dev", "--image", "unregistered", "--out", certificates, "--json");
        Assert.Equal(1, stranger.ExitCode);
        Assert.Equal(403, stranger.Json().GetProperty("error").GetProperty("status").GetInt32());

        CliResult tdx = await CliRunner.RunAsync(Silo, "certificate", "issue", ns, "--evidence", "tdx", "--out", certificates);
        Assert.Equal(3, tdx.ExitCode);
        Assert.Contains("configfs-tsm", tdx.StdErr, StringComparison.Ordinal);
        CliResult azure = await CliRunner.RunAsync(Silo, "certificate", "issue", ns, "--evidence", "azure-cvm", "--out", certificates, "--json");
        Assert.Equal(3, azure.ExitCode);
        Assert.Contains("issue 14", azure.Json().GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("namespace", "create", "apps")]
    [InlineData("--url", "ftp://silo", "cluster", "status")]
    [InlineData("certificate", "issue", "apps", "--evidence", "sgx-magic")]
    [InlineData("cluster", "init", "--threshold", "x", "--admin", "a=b")]
    [InlineData("policy", "sign", "nonexistent.json", "--ed25519-key", "k")]
    public async Task UsageErrors_ExitWith2(params string[] args)
    {
        CliResult result = await CliRunner.RunAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
    }

    [Fact]
    public async Task Help_DocumentsTheExitCodes()
    {
        CliResult help = await CliRunner.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Exit codes: 0 ok; 1 refused", help.StdOut, StringComparison.Ordinal);
        foreach (string group in new[] { "cluster", "namespace", "measurement", "policy", "certificate", "dev" })
        {
            Assert.Contains(group, help.StdOut, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_work, name);
        File.WriteAllText(path, content);
        return path;
    }
}
