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
