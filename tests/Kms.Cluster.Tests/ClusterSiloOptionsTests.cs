using Kms.Silo;
using Microsoft.Extensions.Configuration;

namespace Kms.Cluster.Tests;

/// <summary>The silo settings a local cluster relies on: the insecure dev evidence key and the membership defaults.</summary>
public sealed class ClusterSiloOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kms-cluster-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Defaults_DetectAFrozenSiloWithinSeconds_AndAcceptNoDevEvidence()
    {
        KmsSiloOptions options = Load([]);

        Assert.Equal(TimeSpan.FromSeconds(2), options.Membership.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), options.Membership.MaxProbeTimeout);
        Assert.Equal(2, options.Membership.NumMissedProbesLimit);
        Assert.Equal(2, options.Membership.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Membership.DeathVoteExpirationTimeout);
        Assert.False(options.AcceptsDevEvidence);
        Assert.DoesNotContain("dev", options.Grains.Registry.TeeTypes);
    }

    [Fact]
    public void AnInsecureDevEvidenceKey_ThatExists_IsAccepted_AndAdmitsDevEvidenceOnTheRegistryRoutes()
    {
        string key = Path.Combine(_directory, "dev-evidence.key");
        File.WriteAllText(key, "not parsed here");

        KmsSiloOptions options = Load(new() { ["Silo:InsecureDevEvidenceKeyFile"] = "dev-evidence.key" });

        Assert.True(options.AcceptsDevEvidence);
        Assert.False(options.Dev);
        Assert.Equal(key, options.InsecureDevEvidenceKeyFile);
        Assert.Contains("dev", options.Grains.Registry.TeeTypes);
    }

    [Fact]
    public void AnInsecureDevEvidenceKey_ThatDoesNotExist_StopsTheSilo_NamingTheSetting()
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(
            () => Load(new() { ["Silo:InsecureDevEvidenceKeyFile"] = "missing.key" }));

        Assert.Contains("--insecure-dev-evidence-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")] // below ProbeTimeout: probes could never reach their own timeout
    [InlineData("00:05:00")]
    public void AMaxProbeTimeoutOutOfRange_StopsTheSilo(string value)
    {
        SiloStartupException error = Assert.Throws<SiloStartupException>(
            () => Load(new() { ["Silo:Membership:MaxProbeTimeout"] = value }));

        Assert.Contains("Membership:MaxProbeTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommandLine_SetsTheInsecureDevEvidenceKey()
    {
        SiloCommandLine commandLine = SiloCommandLine.Parse(["--insecure-dev-evidence-key", "k.pem"]);

        Assert.Equal("k.pem", commandLine.Values["Silo:InsecureDevEvidenceKeyFile"]);
        Assert.Contains("--insecure-dev-evidence-key", SiloCommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("NOT SECURE", SiloCommandLine.HelpText, StringComparison.Ordinal);
    }

    private KmsSiloOptions Load(Dictionary<string, string?> settings)
    {
        // A complete production silo (store, TLS, keys), as cluster.sh starts one.
        var all = new Dictionary<string, string?>
        {
            ["Silo:DataDirectory"] = "data",
            ["Silo:StorageKeyFile"] = "storage.key",
            ["Silo:ClusterId"] = "local",
            ["Silo:SiloName"] = "silo-1",
            ["Silo:Tls:CertificateFile"] = "silo-1.pem",
            ["Silo:Tls:KeyFile"] = "silo-1.key",
            ["Silo:Tls:CaFile"] = "cluster-ca.pem",
        };
        foreach ((string name, string? value) in settings)
        {
            all[name] = value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        return KmsSiloOptionsSetup.Load(configuration, _directory);
    }
}
