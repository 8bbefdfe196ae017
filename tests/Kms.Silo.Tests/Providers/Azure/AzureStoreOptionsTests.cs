using Kms.Client.Cluster.Azure;
using System.Text;
using Kms.Silo.Providers.Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>Validation of <see cref="AzureStoreOptions"/>; no storage account is contacted.</summary>
public sealed class AzureStoreOptionsTests
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string ValidConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    private static readonly Uri s_tableUri = new("https://kms.table.core.windows.net/");
    private static readonly Uri s_blobUri = new("https://kms.blob.core.windows.net/");

    [Fact]
    public void DefaultsNameOrleansTablesAndTheKmsContainer()
    {
        var options = new AzureStoreOptions();

        Assert.Null(options.ConnectionString);
        Assert.Null(options.TableServiceUri);
        Assert.Null(options.BlobServiceUri);
        Assert.Null(options.ManagedIdentityClientId);
        Assert.Equal("OrleansSiloInstances", options.ClusteringTableName);
        Assert.Equal("OrleansReminders", options.RemindersTableName);
        Assert.Equal("kms-grain-state", options.GrainStateContainerName);
    }

    [Fact]
    public void AConnectionStringOrBothServiceUrisAreValid()
    {
        Assert.Empty(Failures(new AzureStoreOptions { ConnectionString = ValidConnectionString }));
        Assert.Empty(Failures(new AzureStoreOptions { TableServiceUri = s_tableUri, BlobServiceUri = s_blobUri }));
        Assert.Empty(Failures(new AzureStoreOptions
        {
            TableServiceUri = s_tableUri,
            BlobServiceUri = s_blobUri,
            ManagedIdentityClientId = Guid.NewGuid().ToString(),
        }));
    }

    [Fact]
    public void NoWayToReachTheAccountIsRefused() =>
        Assert.Contains("Silo:Store:Azure:ConnectionString or Silo:Store:Azure:TableServiceUri", Assert.Single(Failures(new AzureStoreOptions())));

    [Fact]
    public void AConnectionStringTogetherWithUrisIsRefused() =>
        Assert.Contains("exclusive", Assert.Single(Failures(new AzureStoreOptions
        {
            ConnectionString = ValidConnectionString,
            TableServiceUri = s_tableUri,
            BlobServiceUri = s_blobUri,
        })));

    [Theory]
    [InlineData("http://kms.table.core.windows.net/")]
    [InlineData("https://kms.table.core.windows.net/?sv=2024&sig=S3CRETSIG")]
    [InlineData("https://user:P4SSWORD@kms.table.core.windows.net/")]
    public void AServiceUriThatIsNotPlainHttpsIsRefused(string tableUri)
    {
        string failure = Assert.Single(Failures(new AzureStoreOptions { TableServiceUri = new Uri(tableUri), BlobServiceUri = s_blobUri }));

        Assert.Contains("Azure:TableServiceUri", failure);
        Assert.DoesNotContain("S3CRETSIG", failure);
        Assert.DoesNotContain("P4SSWORD", failure);
    }

    [Fact]
    public void ASiloNeedsTheBlobUriButAClientOnlyTheTableUri()
    {
        var options = new AzureStoreOptions { TableServiceUri = s_tableUri };

        Assert.Contains("Azure:BlobServiceUri", Assert.Single(Failures(options)));
        AzureStoreOptionsValidator.ThrowIfInvalid(options, needsBlob: false);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("")]
    public void AManagedIdentityClientIdMustBeAGuid(string clientId) =>
        Assert.Contains("Azure:ManagedIdentityClientId", Assert.Single(Failures(new AzureStoreOptions
        {
            TableServiceUri = s_tableUri,
            BlobServiceUri = s_blobUri,
            ManagedIdentityClientId = clientId,
        })));

    [Fact]
    public void AManagedIdentityWithAConnectionStringIsRefused() =>
        Assert.Contains("Azure:ManagedIdentityClientId", Assert.Single(Failures(new AzureStoreOptions
        {
            ConnectionString = ValidConnectionString,
            ManagedIdentityClientId = Guid.NewGuid().ToString(),
        })));

    [Theory]
    [InlineData("ab")]
    [InlineData("1members")]
    [InlineData("with-dash")]
    [InlineData("tables")]
    [InlineData("")]
    public void AnInvalidTableNameIsRefused(string tableName)
    {
        Assert.Contains("Azure:ClusteringTableName", Assert.Single(Failures(Valid(options => options.ClusteringTableName = tableName))));
        Assert.Contains("Azure:RemindersTableName", Assert.Single(Failures(Valid(options => options.RemindersTableName = tableName))));
    }

    [Fact]
    public void ATableNameOf64CharactersIsRefused() =>
        Assert.Single(Failures(Valid(options => options.ClusteringTableName = "T" + new string('a', 63))));

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("a--b")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("under_score")]
    public void AnInvalidContainerNameIsRefused(string containerName) =>
        Assert.Contains("Azure:GrainStateContainerName", Assert.Single(Failures(Valid(options => options.GrainStateContainerName = containerName))));

    [Fact]
    public void TheSiloExtensionRefusesInvalidOptionsWhenConfigured()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var exception = Assert.Throws<OptionsValidationException>(
            () => builder.UseOrleans(silo => silo.UseKmsAzureStorage(new AzureStoreOptions(), "kms")));

        Assert.Contains("Azure:ConnectionString", exception.Message);
    }

    [Fact]
    public void TableOnlyProvidersAcceptOptionsWithoutABlobUriButGrainStorageRefusesThem()
    {
        var tablesOnly = new AzureStoreOptions { TableServiceUri = s_tableUri };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        builder.UseOrleans(silo =>
        {
            silo.UseKmsAzureTableClustering(tablesOnly).UseKmsAzureTableReminders(tablesOnly);
            var exception = Assert.Throws<OptionsValidationException>(() => silo.AddKmsAzureBlobGrainStorage(tablesOnly, "kms"));
            Assert.Contains("Azure:BlobServiceUri", exception.Message);
        });
    }

    [Fact]
    public void TheClientExtensionRefusesInvalidOptionsWhenConfigured()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        Assert.Throws<OptionsValidationException>(() => builder.UseOrleansClient(
            client => client.UseKmsAzureStorageClustering(new AzureStoreOptions { TableServiceUri = new Uri("http://insecure/") })));
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=kms;AccountKey=" + AccountKey + ";EndpointSuffix=core.windows.net")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=kms;AccountKey=" + AccountKey +
        ";TableEndpoint=http://kms.table.core.windows.net/;BlobEndpoint=https://kms.blob.core.windows.net/")]
    public void PlainHttpEndpointsOffLoopbackAreRefused(string connectionString)
    {
        string failure = Assert.Single(Failures(new AzureStoreOptions { ConnectionString = connectionString }));

        Assert.Contains("only https is accepted", failure);
        Assert.DoesNotContain(AccountKey[..16], failure);
    }

    [Fact]
    public void HttpsEndpointsAreAccepted() => Assert.Empty(Failures(new AzureStoreOptions
    {
        ConnectionString = "DefaultEndpointsProtocol=https;AccountName=kms;AccountKey=" + AccountKey + ";EndpointSuffix=core.windows.net",
    }));

    [Fact]
    public void MalformedConnectionStringsAreRefusedWithoutEchoingThem()
    {
        var random = new Random(20261202);
        foreach (string connectionString in MalformedConnectionStrings(random).Take(3000))
        {
            List<string> failures = Failures(new AzureStoreOptions { ConnectionString = connectionString });

            // A mutation may still parse; what must never happen is an exception or the input in a message.
            foreach (string failure in failures)
            {
                Assert.DoesNotContain(AccountKey[..16], failure);
                if (connectionString.Trim().Length >= 8)
                {
                    Assert.DoesNotContain(connectionString.Trim(), failure);
                }
            }
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("AccountName=devstoreaccount1")]
    [InlineData("AccountKey=" + AccountKey)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=not base64!;")]
    [InlineData("TableEndpoint=not a uri;BlobEndpoint=also not")]
    public void AnUnusableConnectionStringIsRefused(string connectionString)
    {
        string failure = Assert.Single(Failures(new AzureStoreOptions { ConnectionString = connectionString }));

        Assert.Contains("Azure:ConnectionString is not a valid", failure);
        Assert.DoesNotContain(AccountKey[..16], failure);
    }

    private static IEnumerable<string> MalformedConnectionStrings(Random random)
    {
        const string alphabet = "=;:/.?&%+ abcAZ09=;=;\0\u00e9\uffff";
        while (true)
        {
            var randomText = new StringBuilder();
            for (int i = random.Next(0, 120); i > 0; i--)
            {
                randomText.Append(alphabet[random.Next(alphabet.Length)]);
            }

            yield return randomText.ToString();

            char[] mutated = ValidConnectionString.ToCharArray();
            for (int i = random.Next(1, 6); i > 0; i--)
            {
                mutated[random.Next(mutated.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            yield return new string(mutated, 0, random.Next(mutated.Length + 1));
        }
    }

    private static AzureStoreOptions Valid(Action<AzureStoreOptions> change)
    {
        var options = new AzureStoreOptions { ConnectionString = ValidConnectionString };
        change(options);
        return options;
    }

    private static List<string> Failures(AzureStoreOptions options)
    {
        ValidateOptionsResult result = new AzureStoreOptionsValidator().Validate(null, options);
        return result.Succeeded ? [] : [.. result.Failures ?? []];
    }
}
