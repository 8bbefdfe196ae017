using System.Text.Json.Nodes;
using Kms.Deploy.Tests.Systemd;
using Kms.Silo;
using Microsoft.Extensions.Configuration;

namespace Kms.Deploy.Tests.Azure;

/// <summary>
/// The settings the template writes to each VM's /etc/kms/silo.json, loaded the way kms-silo loads them
/// (appsettings.json beside it, then the --config file; strict binding, defaults, validation).
/// </summary>
public sealed class SiloSettingsTests
{
    private const string CredentialsDirectory = "/run/credentials/kms-silo.service/";

    [Fact]
    public async Task The_silo_accepts_the_settings_the_template_writes()
    {
        JsonObject settings = SiloSettingsEvaluator.Evaluate(await BicepCli.MainTemplate);

        KmsSiloOptions options = Load(settings);

        JsonObject store = SiloSettingsEvaluator.SampleArguments["store"]!.AsObject();
        Assert.False(options.Dev);
        Assert.Equal(SiloStoreProvider.AzureStorage, options.Store.Provider);
        Assert.Null(options.Store.Azure.ConnectionString);
        Assert.Equal(new Uri(store["tableServiceUri"]!.GetValue<string>()), options.Store.Azure.TableServiceUri);
        Assert.Equal(new Uri(store["blobServiceUri"]!.GetValue<string>()), options.Store.Azure.BlobServiceUri);
        Assert.Equal(store["managedIdentityClientId"]!.GetValue<string>(), options.Store.Azure.ManagedIdentityClientId);
        Assert.Equal("http://0.0.0.0:8080", options.Urls);
        Assert.Equal(11111, options.SiloPort);
        Assert.Equal(30000, options.GatewayPort);
        Assert.Equal("10.42.1.11", options.AdvertisedAddress);
        Assert.Equal("kms-silo2", options.SiloName);
        Assert.Equal("prod-eu-1", options.ClusterId);
    }

    [Fact]
    public async Task Secrets_are_systemd_credentials_the_unit_loads_and_state_is_its_state_directory()
    {
        JsonObject settings = SiloSettingsEvaluator.Evaluate(await BicepCli.MainTemplate);
        KmsSiloOptions options = Load(settings);
        UnitFile unit = UnitFile.Parse(await File.ReadAllTextAsync(RepoPaths.SystemdUnit));
        var credentials = unit.All("LoadCredential").Select(c => c.Split(':', 2)[0]).ToHashSet();

        foreach (string? path in new[] { options.StorageKeyFile, options.Tls.CertificateFile, options.Tls.KeyFile, options.Tls.CaFile })
        {
            Assert.NotNull(path);
            Assert.StartsWith(CredentialsDirectory, path);
            Assert.Contains(path[CredentialsDirectory.Length..], credentials);
        }

        Assert.Equal("/var/lib/" + unit.Single("StateDirectory"), options.DataDirectory);
        Assert.DoesNotContain("ConnectionString", settings.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_the_silo_does_not_know_is_refused()
    {
        JsonObject settings = SiloSettingsEvaluator.Evaluate(await BicepCli.MainTemplate);
        settings["Silo"]!["Store"]!["Azure"]!["TableServiceUrl"] = "https://typo.table.core.windows.net/";

        Exception error = Assert.ThrowsAny<Exception>(() => Load(settings));
        Assert.Contains("TableServiceUrl", error.Message, StringComparison.Ordinal);
    }

    private static KmsSiloOptions Load(JsonObject settings)
    {
        using var directory = new TempDirectory();
        string file = Path.Combine(directory.Path, "silo.json");
        File.WriteAllText(file, settings.ToJsonString());
        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile(RepoPaths.SiloAppSettings, optional: false)
            .AddJsonFile(file, optional: false)
            .Build();
        return KmsSiloOptionsSetup.Load(configuration, directory.Path);
    }
}
