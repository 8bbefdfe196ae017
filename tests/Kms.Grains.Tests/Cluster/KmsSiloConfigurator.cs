using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Dev;
using Kms.Grains.KeyShares;
using Microsoft.Extensions.DependencyInjection;
using Kms.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Kms.Grains.Tests.Cluster;

/// <summary>
/// Configures each test silo as <c>kms-silo</c> does (src/Silo/SiloRuntime.cs): a file grain storage as the store and
/// the KMS grains' sealed storage and silo-bound placement on top, under the cluster's storage key.
/// </summary>
/// <remarks>TestCluster creates configurators by reflection, so the directory and key come from the cluster's
/// configuration properties, which every silo of one cluster shares.</remarks>
public sealed class KmsSiloConfigurator : ISiloConfigurator
{
    /// <summary>The name of the store below the sealing layer, as the silo names it.</summary>
    public const string StoreName = "kms-store";

    internal const string StateDirectoryProperty = "KmsTests:StateDirectory";
    internal const string StorageKeyProperty = "KmsTests:StorageKey";
    internal const string FastFailureDetectionProperty = "KmsTests:FastFailureDetection";
    internal const string SiloKeySecretProperty = "KmsTests:SiloKeySecret";
    internal const string DevEvidenceKeyProperty = "KmsTests:DevEvidenceKey";
    internal const string ChallengeLifetimeProperty = "KmsTests:ChallengeLifetime";
    internal const string ShareRefreshIntervalProperty = "KmsTests:ShareRefreshInterval";
    internal const string GovernanceRpcUrlProperty = "KmsTests:GovernanceRpcUrl";
    internal const string GovernanceOperatorProperty = "KmsTests:GovernanceOperator";
    internal const string GovernanceKmsContractProperty = "KmsTests:GovernanceKmsContract";
    internal const string OnboardingLifetimeProperty = "KmsTests:OnboardingLifetime";
    internal const string MaxMeasurementsProperty = "KmsTests:MaxMeasurements";

    /// <inheritdoc />
    public void Configure(ISiloBuilder siloBuilder)
    {
        IConfiguration configuration = siloBuilder.Configuration;
        string directory = configuration[StateDirectoryProperty]
            ?? throw new InvalidOperationException($"{StateDirectoryProperty} is not set.");
        byte[] key = Convert.FromHexString(configuration[StorageKeyProperty]
            ?? throw new InvalidOperationException($"{StorageKeyProperty} is not set."));
        try
        {
            siloBuilder.AddFileGrainStorage(StoreName, files => files.Directory = directory);
            siloBuilder.AddKmsGrains(key, StoreName);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }

        // Each silo's own sealing key, derived from the cluster's test secret and the silo's name so that a restarted
        // silo of the same name opens its shares again.
        byte[] siloSecret = Convert.FromHexString(configuration[SiloKeySecretProperty]
            ?? throw new InvalidOperationException($"{SiloKeySecretProperty} is not set."));
        siloBuilder.Services.AddSingleton(services =>
        {
            byte[] siloKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, siloSecret, 32, salt: [], info: Encoding.UTF8.GetBytes(services.GetRequiredService<ILocalSiloDetails>().Name));
            try
            {
                return new SiloSealingKey(siloKey);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(siloKey);
            }
        });
        siloBuilder.AddKmsEvidenceVerifier(DevEvidenceVerifier.Create(
            DevModeAcknowledgement.FromDevFlag(true),
            Convert.FromHexString(configuration[DevEvidenceKeyProperty] ?? throw new InvalidOperationException($"{DevEvidenceKeyProperty} is not set."))));
        // Real SEV-SNP evidence from the shared test data verifies at a fixed time inside its certificates' validity.
        siloBuilder.AddKmsEvidenceVerifier(new global::Kms.Attestation.Snp.SnpEvidenceVerifier(global::Kms.Attestation.Snp.SnpPolicy.Default, global::Kms.Grains.Tests.Kms.RealEvidence.Clock));
        if (configuration[ShareRefreshIntervalProperty] is { } refresh)
        {
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Services.Configure<KmsGrainOptions>(options => options.ShareRefreshInterval = TimeSpan.Parse(refresh, CultureInfo.InvariantCulture));
        }

        if (configuration[ChallengeLifetimeProperty] is { } lifetime)
        {
            siloBuilder.Services.Configure<KmsGrainOptions>(options => options.ChallengeLifetime = TimeSpan.Parse(lifetime, CultureInfo.InvariantCulture));
        }

        if (configuration[MaxMeasurementsProperty] is { } maxMeasurements)
        {
            siloBuilder.Services.Configure<KmsGrainOptions>(options => options.MaxMeasurements = int.Parse(maxMeasurements, CultureInfo.InvariantCulture));
        }

        if (configuration[OnboardingLifetimeProperty] is { } onboardingLifetime)
        {
            siloBuilder.Services.Configure<KmsGrainOptions>(options => options.OnboardingRequestLifetime = TimeSpan.Parse(onboardingLifetime, CultureInfo.InvariantCulture));
        }

        if (configuration[GovernanceRpcUrlProperty] is { } rpcUrl)
        {
            // Every decision reads the chain head (no confirmations, no poll interval) and a dead node is stale after 2 s.
            siloBuilder.Services.Configure<KmsGrainOptions>(options =>
            {
                options.Governance.RpcUrl = new Uri(rpcUrl);
                options.Governance.OperatorAddress = configuration[GovernanceOperatorProperty];
                options.Governance.KmsContract = configuration[GovernanceKmsContractProperty];
                options.Governance.Confirmations = 0;
                options.Governance.PollInterval = TimeSpan.Zero;
                options.Governance.StalenessBound = TimeSpan.FromSeconds(2);
            });
        }

        if (string.Equals(configuration[FastFailureDetectionProperty], "true", StringComparison.Ordinal))
        {
            // The values the issue measured recovery with (1–2.4 s after SIGKILL), so that tests of a killed silo
            // stay short.
            siloBuilder.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 2;
                membership.NumVotesForDeathDeclaration = 1;
            });
        }
    }
}
