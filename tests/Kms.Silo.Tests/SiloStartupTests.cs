using System.Net;
using System.Security.Cryptography;
using Kms.Tests.Shared;

namespace Kms.Silo.Tests;

/// <summary>What the silo requires to start outside development mode, and how it refuses.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // key files are checked with Unix file modes
public sealed class SiloStartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Help_PrintsOptions_AndExitsZero()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = await RunAsync(["--help"], output, error);

        Assert.Equal(KmsSiloProgram.ExitOk, exitCode);
        Assert.Contains("--data-dir", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task NonDev_WithoutRequiredConfig_RefusesToStart_WithExitCode2()
    {
        var error = new StringWriter();

        int exitCode = await RunAsync([], new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("kms-silo: cannot start: Invalid configuration:", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--data-dir", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory.Combine("data")), "a refused start must not create the dev data directory");
    }

    [Fact]
    public async Task BadCommandLine_ExitsWithCode2()
    {
        var error = new StringWriter();

        int exitCode = await RunAsync(["--dev", "--bogus"], new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("Unknown command-line argument '--bogus'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonDev_WithMissingKeyFile_Refuses_AndSaysHowToCreateOne()
    {
        var error = new StringWriter();

        int exitCode = await RunAsync(NonDevArgs("missing.key"), new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("openssl rand", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.Combine("missing.key")), "outside dev mode the key is never generated");
    }

    [Fact]
    public void NonDev_RejectsKeyReadableByOthers()
    {
        string path = WriteKey(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        SiloStartupException error = Assert.Throws<SiloStartupException>(() => SiloStorageKey.Load(path, createIfMissing: false));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(4096)]
    public void NonDev_RejectsKeysOfTheWrongSize(int length)
    {
        string path = WriteKey(RandomNumberGenerator.GetBytes(length), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        SiloStartupException error = Assert.Throws<SiloStartupException>(() => SiloStorageKey.Load(path, createIfMissing: false));

        Assert.Contains("32 raw bytes or their base64 text", error.Message, StringComparison.Ordinal);
        if (length > 0)
        {
            Assert.DoesNotContain(Convert.ToBase64String(File.ReadAllBytes(path)), error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Key_AcceptsRawBytesAndBase64Text_AndZeroesOnDispose()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        string raw = WriteKey(key, UnixFileMode.UserRead | UnixFileMode.UserWrite, "raw.key");
        string text = WriteKey(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite, "text.key");

        using (SiloStorageKey fromRaw = SiloStorageKey.Load(raw, createIfMissing: false))
        {
            Assert.True(fromRaw.Key.SequenceEqual(key));
            Assert.False(fromRaw.WasCreated);
        }

        SiloStorageKey fromText = SiloStorageKey.Load(text, createIfMissing: false);
        Assert.True(fromText.Key.SequenceEqual(key));
        fromText.Dispose();
        Assert.Throws<ObjectDisposedException>(() => fromText.Key.Length);
    }

    [Fact]
    public void DevKey_IsCreatedOnce_WithOwnerOnlyMode_AndReusedAfterwards()
    {
        string path = _directory.Combine("sub", "dev.key");

        byte[] first;
        using (SiloStorageKey created = SiloStorageKey.Load(path, createIfMissing: true))
        {
            Assert.True(created.WasCreated);
            first = created.Key.ToArray();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using SiloStorageKey reused = SiloStorageKey.Load(path, createIfMissing: true);
        Assert.False(reused.WasCreated);
        Assert.True(reused.Key.SequenceEqual(first));
    }

    [Fact]
    public async Task NonDev_WithCompleteConfig_StartsWithoutBanner_AndIsReady()
    {
        WriteKey(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite, "silo.key");

        await using InProcessSilo silo = await InProcessSilo.StartAsync(
            [.. NonDevArgs("silo.key"), "--urls", "http://127.0.0.1:0"], _directory.Path);

        Assert.DoesNotContain(DevModeBanner.Headline, silo.Diagnostics.ToString(), StringComparison.Ordinal);
        using HttpResponseMessage ready = await silo.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(Directory.Exists(_directory.Combine("state")));
    }

    [Fact]
    public async Task NonDev_RequestingOnboardingWithoutAnEvidenceProvider_Refuses_AndSaysWhy()
    {
        WriteKey(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite, "silo.key");
        var error = new StringWriter();

        int exitCode = await RunAsync([.. NonDevArgs("silo.key"), "--urls", "http://127.0.0.1:0", "--request-onboarding"], new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        string line = Assert.Single(ErrorLines(error));
        Assert.Contains("--request-onboarding", line, StringComparison.Ordinal);
        Assert.Contains("no evidence provider", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiPortInUse_FailsWithExitCode2_AndOneLineThatNamesThePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var error = new StringWriter();

        int exitCode = await RunAsync(
            ["--dev", "--urls", $"http://127.0.0.1:{port}", "--silo-port", "0", "--gateway-port", "0"], new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        string line = Assert.Single(ErrorLines(error));
        Assert.StartsWith("kms-silo: cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloPortInUse_FailsWithExitCode2_AndOneLine()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var error = new StringWriter();

        int exitCode = await RunAsync(
            ["--dev", "--urls", "http://127.0.0.1:0", "--silo-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--gateway-port", "0"], new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        string line = Assert.Single(ErrorLines(error));
        Assert.Contains("already in use", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonDev_WithoutTls_Refuses_AndNamesTheOptions()
    {
        WriteKey(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite, "silo.key");
        var error = new StringWriter();

        int exitCode = await RunAsync(NonDevArgs(_directory.Combine("silo.key"), withTls: false), new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("--tls-cert, --tls-key, --tls-ca", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("mutual TLS", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonDev_WithACertificateFromAnotherCa_Refuses()
    {
        WriteKey(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite, "silo.key");
        using var ours = new TestClusterCertificates(_directory.Combine("ours"));
        using var foreign = new TestClusterCertificates(_directory.Combine("foreign"), "Someone else's CA");
        (string certificate, string key) = foreign.Issue("silo-a");
        var error = new StringWriter();

        int exitCode = await RunAsync(
            [.. NonDevArgs(_directory.Combine("silo.key"), withTls: false), "--tls-cert", certificate, "--tls-key", key, "--tls-ca", ours.CaFile],
            new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("is not issued by the cluster CA", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonDev_WithATlsKeyReadableByOthers_Refuses()
    {
        WriteKey(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite, "silo.key");
        string[] args = NonDevArgs(_directory.Combine("silo.key"));
        File.SetUnixFileMode(args[Array.IndexOf(args, "--tls-key") + 1], UnixFileMode.UserRead | UnixFileMode.OtherRead);
        var error = new StringWriter();

        int exitCode = await RunAsync(args, new StringWriter(), error);

        Assert.Equal(KmsSiloProgram.ExitUsage, exitCode);
        Assert.Contains("chmod 600", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The lines the program wrote about the failure (the development banner aside).</summary>
    private static string[] ErrorLines(StringWriter error)
        => error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("kms-silo:", StringComparison.Ordinal))
            .ToArray();

    [Fact]
    public async Task Cancellation_StopsTheSilo_WithExitCode0()
    {
        using var stop = new CancellationTokenSource();
        var error = new StringWriter();
        Task<int> run = KmsSiloProgram.RunAsync(
            new SiloLaunchContext(InProcessSilo.DevArgs, new Dictionary<string, string>(), _directory.Path, _directory.Path),
            new StringWriter(), error, stop.Token);

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        stop.Cancel();

        Assert.Equal(KmsSiloProgram.ExitOk, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(DevModeBanner.Headline, error.ToString(), StringComparison.Ordinal);
    }

    private string[] NonDevArgs(string keyFile, bool withTls = true)
    {
        string[] args = ["--data-dir", "state", "--storage-key-file", keyFile, "--cluster-id", "test-cluster",
            "--silo-name", "silo-a", "--silo-port", "0", "--gateway-port", "0"];
        if (!withTls)
        {
            return args;
        }

        using var certificates = new TestClusterCertificates(_directory.Combine("tls"));
        (string certificate, string key) = certificates.Issue("silo-a");
        return [.. args, "--tls-cert", certificate, "--tls-key", key, "--tls-ca", certificates.CaFile];
    }

    private Task<int> RunAsync(string[] args, StringWriter output, StringWriter error) =>
        KmsSiloProgram.RunAsync(
            new SiloLaunchContext(args, new Dictionary<string, string>(), _directory.Path, _directory.Path),
            output, error, CancellationToken.None);

    private string WriteKey(byte[] content, UnixFileMode mode, string name = "key.bin")
    {
        string path = _directory.Combine(name);
        File.WriteAllBytes(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
