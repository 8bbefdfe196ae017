using Microsoft.Extensions.Configuration;

namespace Kms.Silo.Tests;

public sealed class SiloOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Defaults_InDevMode_AreDocumentedValues()
    {
        KmsSiloOptions options = Load(["--dev"]);

        Assert.True(options.Dev);
        Assert.Equal("http://127.0.0.1:8080", options.Urls);
        Assert.Equal(11111, options.SiloPort);
        Assert.Equal(_directory.Combine("data"), options.DataDirectory);
        Assert.Equal(_directory.Combine("data", "dev-storage.key"), options.StorageKeyFile);
        Assert.Equal("dev", options.ClusterId);
        Assert.Equal(Environment.MachineName, options.SiloName);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ShutdownTimeout);
    }

    [Fact]
    public void SampleAppSettings_ShipsNextToTheExecutable_AndHoldsOnlyTheDefaults()
    {
        string sample = Path.Combine(AppContext.BaseDirectory, KmsSiloConfiguration.AppSettingsFileName);
        Assert.True(File.Exists(sample));
        File.Copy(sample, _directory.Combine(KmsSiloConfiguration.AppSettingsFileName));

        KmsSiloOptions fromSample = Load(["--dev"]);
        File.Delete(_directory.Combine(KmsSiloConfiguration.AppSettingsFileName));
        KmsSiloOptions builtIn = Load(["--dev"]);

        Assert.Equivalent(builtIn, fromSample, strict: true);
    }

    [Fact]
    public void Precedence_CommandLine_Over_Environment_Over_ConfigFile_Over_AppSettings()
    {
        WriteAppSettings("""{ "Silo": { "Dev": true, "SiloName": "from-appsettings", "ClusterId": "from-appsettings", "SiloPort": 1001, "Urls": "http://127.0.0.1:1001" } }""");
        File.WriteAllText(_directory.Combine("extra.json"),
            """{ "Silo": { "SiloName": "from-config-file", "ClusterId": "from-config-file", "SiloPort": 1002 } }""");
        var environment = new Dictionary<string, string>
        {
            ["KMS_Silo__SiloName"] = "from-env",
            ["KMS_SILO__CLUSTERID"] = "from-env",
            ["Silo__SiloPort"] = "1003", // no KMS_ prefix: ignored
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:1004", // not ours: ignored
        };

        KmsSiloOptions options = Load(["--config", "extra.json", "--silo-name", "from-cmdline"], environment);

        Assert.Equal("from-cmdline", options.SiloName);
        Assert.Equal("from-env", options.ClusterId);
        Assert.Equal(1002, options.SiloPort);
        Assert.Equal("http://127.0.0.1:1001", options.Urls);
        Assert.True(options.Dev);
    }

    [Fact]
    public void GovernanceRpc_BindsBelowGrains_AndIsValidated()
    {
        const string RpcUrl = "KMS_Silo__Grains__Governance__RpcUrl";
        KmsSiloOptions options = Load(["--dev"], new()
        {
            [RpcUrl] = "http://127.0.0.1:8545",
            ["KMS_Silo__Grains__Governance__OperatorAddress"] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            ["KMS_Silo__Grains__Governance__Confirmations"] = "6",
        });
        Assert.Equal(new Uri("http://127.0.0.1:8545"), options.Grains.Governance.RpcUrl);
        Assert.Equal(6, options.Grains.Governance.Confirmations);
        Assert.Null(Load(["--dev"]).Grains.Governance.RpcUrl);

        SiloStartupException noOperator = Assert.Throws<SiloStartupException>(() => Load(["--dev"], new() { [RpcUrl] = "http://127.0.0.1:8545" }));
        Assert.Contains("Silo:Grains:Governance:OperatorAddress is invalid", noOperator.Message, StringComparison.Ordinal);
        SiloStartupException ftp = Assert.Throws<SiloStartupException>(() => Load(["--dev"], new() { [RpcUrl] = "ftp://127.0.0.1/" }));
        Assert.Contains("Silo:Grains:Governance:RpcUrl is invalid", ftp.Message, StringComparison.Ordinal);
        SiloStartupException negative = Assert.Throws<SiloStartupException>(
            () => Load(["--dev"], new() { ["KMS_Silo__Grains__Governance__Confirmations"] = "-1" }));
        Assert.Contains("Silo:Grains:Governance:Confirmations is out of range", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CollateralRefresh_BindsItsItems_AndNeedsACollateralDirectory()
    {
        Directory.CreateDirectory(_directory.Combine("collateral"));
        KmsSiloOptions options = Load(["--dev", "--collateral-dir", _directory.Combine("collateral"), "--collateral-refresh"], new()
        {
            ["KMS_Silo__Collateral__Items__TdxFmspcs__0"] = "b0c06f000000",
            ["KMS_Silo__Collateral__Items__AmdFamilies__0"] = "Genoa",
        });
        Assert.True(options.Collateral.Refresh);
        Assert.Equal(["b0c06f000000"], options.Collateral.Items.TdxFmspcs);
        Assert.Equal(["Genoa"], options.Collateral.Items.AmdFamilies);
        Assert.False(Load(["--dev"]).Collateral.Refresh);

        SiloStartupException noDirectory = Assert.Throws<SiloStartupException>(() => Load(["--dev", "--collateral-refresh"]));
        Assert.Contains("Silo:Collateral:Refresh (--collateral-refresh", noDirectory.Message, StringComparison.Ordinal);
        SiloStartupException badFamily = Assert.Throws<SiloStartupException>(() => Load(
            ["--dev", "--collateral-dir", _directory.Combine("collateral"), "--collateral-refresh"],
            new() { ["KMS_Silo__Collateral__Items__AmdFamilies__0"] = "Naples-9000" }));
        Assert.Contains("Silo:Collateral:Items is invalid", badFamily.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_AcceptsNameEqualsValue()
    {
        KmsSiloOptions options = Load(["--dev", "--silo-port=2222", "--shutdown-timeout=00:00:05"]);

        Assert.Equal(2222, options.SiloPort);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownTimeout);
    }

    [Fact]
    public void NonDev_WithoutRequiredSettings_ListsEachWithHowToSetIt()
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(() => Load([]));

        Assert.Contains("Silo:DataDirectory (--data-dir, KMS_Silo__DataDirectory) is required outside development mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("Silo:StorageKeyFile (--storage-key-file, KMS_Silo__StorageKeyFile) is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Silo:ClusterId (--cluster-id, KMS_Silo__ClusterId) is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonDev_DoesNotInheritDevDefaults()
    {
        KmsSiloOptions options = Load(["--data-dir", "d", "--storage-key-file", "k", "--cluster-id", "c1",
            "--tls-cert", "tls/silo.pem", "--tls-key", "tls/silo.key", "--tls-ca", "tls/ca.pem"]);

        Assert.False(options.Dev);
        Assert.Equal(_directory.Combine("d"), options.DataDirectory);
        Assert.Equal(_directory.Combine("k"), options.StorageKeyFile);
        Assert.Equal("c1", options.ClusterId);
        Assert.Equal(_directory.Combine("tls", "silo.pem"), options.Tls.CertificateFile);
        Assert.Equal(_directory.Combine("tls", "ca.pem"), options.Tls.CaFile);
        Assert.Equal(SiloStoreProvider.Files, options.Store.Provider);
        Assert.Equal("127.0.0.1", options.AdvertisedAddress);
        Assert.Equal("orleans-kms", options.ServiceId);
    }

    [Theory]
    [InlineData("--urls", "https://127.0.0.1:8443", "only http is supported")]
    [InlineData("--urls", "ftp://x", "only http is supported")]
    [InlineData("--urls", ";;", "at least one listen URL")]
    [InlineData("--urls", "http://127.0.0.1:8080/kms", "has a path")]
    [InlineData("--silo-port", "70000", "Silo:SiloPort (--silo-port, KMS_Silo__SiloPort) must be between 0 and 65535")]
    [InlineData("--gateway-port", "-1", "Silo:GatewayPort (--gateway-port, KMS_Silo__GatewayPort) must be between 0 and 65535")]
    [InlineData("--advertised-address", "silo-1.local", "must be an IP address")]
    [InlineData("--service-id", "two words", "Silo:ServiceId (--service-id, KMS_Silo__ServiceId) must be 1-63 letters")]
    [InlineData("--tls-cert", "only-the-cert.pem", "set the certificate, key and CA files together")]
    [InlineData("--store", "Cassandra", "Cassandra")]
    [InlineData("--otlp-endpoint", "udp://127.0.0.1:4317", "must be an http(s) URL")]
    [InlineData("--cluster-id", "bad id!", "Silo:ClusterId (--cluster-id, KMS_Silo__ClusterId) must be 1-63 letters")]
    [InlineData("--silo-name", "-leading-dash", "Silo:SiloName (--silo-name, KMS_Silo__SiloName) must be 1-63 letters")]
    [InlineData("--shutdown-timeout", "00:00:00", "must be between 00:00:01 and 00:10:00")]
    public void InvalidValues_AreRejected_WithClearMessages(string option, string value, string expected)
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(() => Load(["--dev", option, value]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnconvertibleValue_NamesTheKey()
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(() => Load(["--dev", "--silo-port", "eleven"]));

        Assert.Contains("Silo:SiloPort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyInAppSettings_IsAnError_NotSilentlyIgnored()
    {
        WriteAppSettings("""{ "Silo": { "DataDirecotry": "/var/lib/kms" } }""");

        SiloStartupException error = Assert.Throws<SiloStartupException>(() => Load(["--dev"]));

        Assert.Contains("DataDirecotry", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--frobnicate" }, "Unknown command-line argument '--frobnicate'")]
    [InlineData(new[] { "--data-dir" }, "Option '--data-dir' needs a value")]
    [InlineData(new[] { "--data-dir", "--dev" }, "Option '--data-dir' needs a value")]
    [InlineData(new[] { "--dev", "--dev" }, "Option '--dev' is given more than once")]
    [InlineData(new[] { "stray" }, "Unknown command-line argument 'stray'")]
    public void CommandLine_RejectsMistakes(string[] args, string expected)
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(() => SiloCommandLine.Parse(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConfigFile_IsAnError()
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(() => Load(["--dev", "--config", "nope.json"]));

        Assert.Contains("nope.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpText_DocumentsEveryOptionWithDefaultAndEnvironmentName()
    {
        string help = SiloCommandLine.HelpText;

        foreach (string expected in new[]
        {
            "--dev", "--urls", "--silo-port", "--data-dir", "--storage-key-file", "--cluster-id", "--silo-name",
            "--shutdown-timeout", "--config", "--help", "http://127.0.0.1:8080", "11111", "./data", "00:00:30",
            "KMS_Silo__DataDirectory", "KMS_Silo__Urls",
        })
        {
            Assert.Contains(expected, help, StringComparison.Ordinal);
        }
    }

    private KmsSiloOptions Load(string[] args, Dictionary<string, string>? environment = null)
    {
        var launch = new SiloLaunchContext(args, environment ?? [], _directory.Path, _directory.Path);
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddKmsSiloSources(launch, SiloCommandLine.Parse(args))
            .Build();
        return KmsSiloOptionsSetup.Load(configuration, launch.WorkingDirectory);
    }

    private void WriteAppSettings(string json) => File.WriteAllText(_directory.Combine("appsettings.json"), json);
}

public sealed class SiloOptionsFuzzTests : IDisposable
{
    private static readonly string[] s_vocabulary =
    [
        "--dev", "--urls", "--silo-port", "--data-dir", "--storage-key-file", "--cluster-id", "--silo-name",
        "--shutdown-timeout", "--config", "--help", "-h", "=", "--dev=maybe", "--silo-port=-1", "0", "65536",
        "http://127.0.0.1:0", "https://x", "http://[::1]:80", "unix:/tmp/s", "a\0b", "", " ", "00:00:05", "1e9",
        "../..", "/", "ü", "--", "-", "--urls=", "x;y", "99999999999999999999",
    ];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void RandomCommandLines_EitherLoadOrFailWithAStartupError()
    {
        var random = new Random(4242);
        for (int i = 0; i < 500; i++)
        {
            string[] args = Enumerable.Range(0, random.Next(0, 7))
                .Select(_ => s_vocabulary[random.Next(s_vocabulary.Length)])
                .ToArray();
            try
            {
                SiloCommandLine commandLine = SiloCommandLine.Parse(args);
                var launch = new SiloLaunchContext(args, new Dictionary<string, string>(), _directory.Path, _directory.Path);
                IConfigurationRoot configuration = new ConfigurationBuilder().AddKmsSiloSources(launch, commandLine).Build();
                KmsSiloOptions options = KmsSiloOptionsSetup.Load(configuration, _directory.Path);
                Assert.True(
                    options.Dev || (options.DataDirectory is not null && options.StorageKeyFile is not null && options.ClusterId is not null),
                    $"only --dev can load without the required settings: {string.Join(' ', args)}");
            }
            catch (SiloStartupException exception)
            {
                Assert.False(string.IsNullOrWhiteSpace(exception.Message));
            }
        }
    }

    [Fact]
    public void NulInAPathSetting_IsAStartupError()
    {
        File.WriteAllText(Path.Combine(_directory.Path, "appsettings.json"), """{ "Silo": { "DataDirectory": "a\u0000b" } }""");
        var launch = new SiloLaunchContext(["--dev"], new Dictionary<string, string>(), _directory.Path, _directory.Path);
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddKmsSiloSources(launch, SiloCommandLine.Parse(launch.Args)).Build();

        Assert.Throws<SiloStartupException>(() => KmsSiloOptionsSetup.Load(configuration, _directory.Path));
    }
}
