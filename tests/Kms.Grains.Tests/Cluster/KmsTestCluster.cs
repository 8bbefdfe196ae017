using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Kms.Grains.Tests.Cluster;

/// <summary>A TestCluster of three silos configured by <see cref="KmsSiloConfigurator"/>, with its own state
/// directory and storage key.</summary>
public sealed class KmsTestCluster : IAsyncDisposable
{
    private KmsTestCluster(TestCluster cluster, string stateDirectory)
    {
        Cluster = cluster;
        StateDirectory = stateDirectory;
    }

    /// <summary>The key every silo of every test cluster accepts dev evidence from.</summary>
    public static ECDsa DevEvidenceKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The running cluster.</summary>
    public TestCluster Cluster { get; }

    /// <summary>The directory that holds the state files of all silos.</summary>
    public string StateDirectory { get; }

    /// <summary>The grain factory of the cluster's client.</summary>
    public IGrainFactory GrainFactory => Cluster.GrainFactory;

    /// <summary>Starts a cluster of three silos.</summary>
    /// <param name="fastFailureDetection">Whether to declare a killed silo dead within seconds.</param>
    /// <param name="governanceRpc">The Ethereum node onchain namespaces are read from, and the operator account reads are made for.</param>
    /// <param name="kmsContract">The KMS governance contract that approves onboarding (with <paramref name="governanceRpc"/>).</param>
    public static async Task<KmsTestCluster> StartAsync(
        bool fastFailureDetection = false,
        TimeSpan? challengeLifetime = null,
        (Uri RpcUrl, string Operator)? governanceRpc = null,
        TimeSpan? shareRefreshInterval = null,
        string? kmsContract = null,
        TimeSpan? onboardingLifetime = null,
        int? maxMeasurements = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "kms-grains-tests-" + Guid.NewGuid().ToString("N"));
        var builder = new TestClusterBuilder(initialSilosCount: 3);
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[KmsSiloConfigurator.StateDirectoryProperty] = directory;
        builder.Properties[KmsSiloConfigurator.StorageKeyProperty] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        builder.Properties[KmsSiloConfigurator.FastFailureDetectionProperty] = fastFailureDetection ? "true" : "false";
        builder.Properties[KmsSiloConfigurator.SiloKeySecretProperty] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        builder.Properties[KmsSiloConfigurator.DevEvidenceKeyProperty] = Convert.ToHexString(DevEvidenceKey.ExportSubjectPublicKeyInfo());
        if (shareRefreshInterval is { } refresh)
        {
            builder.Properties[KmsSiloConfigurator.ShareRefreshIntervalProperty] = refresh.ToString("c", CultureInfo.InvariantCulture);
        }

        if (challengeLifetime is { } lifetime)
        {
            builder.Properties[KmsSiloConfigurator.ChallengeLifetimeProperty] = lifetime.ToString("c", CultureInfo.InvariantCulture);
        }

        if (maxMeasurements is { } max)
        {
            builder.Properties[KmsSiloConfigurator.MaxMeasurementsProperty] = max.ToString(CultureInfo.InvariantCulture);
        }

        if (onboardingLifetime is { } onboarding)
        {
            builder.Properties[KmsSiloConfigurator.OnboardingLifetimeProperty] = onboarding.ToString("c", CultureInfo.InvariantCulture);
        }

        if (kmsContract is not null)
        {
            builder.Properties[KmsSiloConfigurator.GovernanceKmsContractProperty] = kmsContract;
        }

        if (governanceRpc is { } governance)
        {
            builder.Properties[KmsSiloConfigurator.GovernanceRpcUrlProperty] = governance.RpcUrl.ToString();
            builder.Properties[KmsSiloConfigurator.GovernanceOperatorProperty] = governance.Operator;
        }

        builder.AddSiloBuilderConfigurator<KmsSiloConfigurator>();
        TestCluster cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new KmsTestCluster(cluster, directory);
    }

    /// <summary>The silo whose name is <paramref name="name"/>.</summary>
    public SiloHandle Silo(string name) => Cluster.Silos.Single(silo => silo.Name == name);

    /// <summary>Waits until every running silo sees <paramref name="silo"/> as an active member.</summary>
    public Task WaitUntilEverySiloSeesAsync(string silo) =>
        Poll.UntilSucceedsAsync(
            () => Cluster.Silos.All(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IClusterMembershipService>()
                .CurrentSnapshot.Members.Values.Any(m => m.Name == silo && m.Status == SiloStatus.Active))
                ? Task.FromResult(true)
                : throw new InvalidOperationException($"Not every silo sees {silo} as active yet."),
            TimeSpan.FromSeconds(30));

    /// <summary>A grain storage of a running silo, by provider name.</summary>
    public IGrainStorage Storage(string providerName)
        => Cluster.GetSiloServiceProvider(Cluster.Primary!.SiloAddress).GetRequiredKeyedService<IGrainStorage>(providerName);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            if (Directory.Exists(StateDirectory))
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
        }
    }
}

/// <summary>One cluster shared by the tests of a class.</summary>
public sealed class KmsClusterFixture : IAsyncLifetime
{
    private KmsTestCluster? _cluster;

    /// <summary>The cluster.</summary>
    public KmsTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await KmsTestCluster.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
