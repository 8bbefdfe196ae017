using Kms.Client.Cluster.Azure;
using System.Net;
using Kms.Attestation.Collateral;
using Kms.Attestation.Providers;
using Kms.Client.Cluster;
using Kms.Grains.Hosting;
using Kms.Grains.Release;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Kms.Silo.Onboarding;
using Kms.Silo.Providers.Azure;
using Kms.Silo.Providers.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Kms.Silo;

/// <summary>Configures the Orleans silo that a <c>kms-silo</c> process hosts: clustering and grain storage for the
/// chosen store, mutual TLS, failure detection, KMS grain infrastructure, dashboard and telemetry.</summary>
internal static class SiloRuntime
{
    /// <summary>The name of the grain storage that holds the sealed states (files, Azure Blob or PostgreSQL).</summary>
    public const string StoreName = "kms-store";

    /// <summary>The subdirectory of the data directory that holds grain state files.</summary>
    public const string GrainStateDirectoryName = "grain-state";

    /// <summary>Adds the Orleans silo to the host.</summary>
    /// <param name="builder">The host.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="keys">The cluster storage key and this silo's sealing key; the silo keeps its own copies.</param>
    /// <param name="tls">The TLS material, or <see langword="null"/> for plaintext (development mode only).</param>
    /// <param name="configureSilo">Additions (tests add grains and options).</param>
    public static void Add(
        WebApplicationBuilder builder,
        KmsSiloOptions options,
        SiloRuntimeKeys keys,
        ClusterTlsMaterial? tls,
        Action<ISiloBuilder>? configureSilo)
    {
        // A span cannot be captured by the Orleans configuration callback: register the KMS grains' storage now.
        byte[] key = keys.StorageKey.ToArray();
        byte[] sealingKey = keys.SealingKey.ToArray();
        try
        {
            builder.UseOrleans(silo =>
            {
                ConfigureCluster(silo, options);
                ConfigureStore(silo, options);
                silo.AddKmsGrains(key, StoreName);
                silo.AddKmsSiloSealingKey(sealingKey);
                silo.Services.AddSingleton(Options.Create(options.Grains));
                // The verifiers the options call for, and any a host added with AddKmsEvidenceVerifier.
                silo.Services.AddSingleton(services => new EvidenceVerifierSet(
                    SiloEvidenceVerifiers.Create(options, services.GetRequiredService<ILoggerFactory>())
                        .Concat(services.GetServices<Kms.Attestation.IEvidenceVerifier>())));
                if (options.Dev)
                {
                    silo.Services.AddHostedService<DevClusterBootstrap>();
                }

                if (options.AcceptsDevEvidence)
                {
                    // The silo's own evidence (onboarding requests, Go registry answers) is dev evidence under the dev
                    // key, unless the host registered a real provider.
                    silo.Services.TryAddSingleton<IEvidenceProvider>(_ => DevSiloEvidence.CreateProvider(options));
                }

                if (options.Collateral.Refresh && options.CollateralDirectory is { } collateral)
                {
                    CollateralRefreshOptions items = options.Collateral.Items;
                    silo.Services.AddKmsCollateralRefresher(collateral, refresh =>
                    {
                        refresh.TdxFmspcs = items.TdxFmspcs;
                        refresh.SgxFmspcs = items.SgxFmspcs;
                        refresh.IntelPckCas = items.IntelPckCas;
                        refresh.AmdFamilies = items.AmdFamilies;
                        refresh.RenewCachedVceks = items.RenewCachedVceks;
                        refresh.RenewBefore = items.RenewBefore;
                        refresh.CheckInterval = items.CheckInterval;
                        refresh.RetryInterval = items.RetryInterval;
                    });
                }

                if (options.Onboarding.SubmitOnStart)
                {
                    silo.Services.AddHostedService<SiloOnboardingSubmitter>();
                }
                if (tls is not null)
                {
                    silo.UseTls(tls.Apply);
                }

                if (options.Dashboard.Enabled)
                {
                    silo.AddDashboard();
                }

                if (options.Telemetry.OtlpEndpoint is not null)
                {
                    silo.AddActivityPropagation();
                }

                configureSilo?.Invoke(silo);
            });
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(sealingKey);
        }

        if (options.Telemetry.OtlpEndpoint is { } endpoint)
        {
            SiloTelemetry.Add(builder.Services, endpoint, options.SiloName!);
        }
    }

    private static void ConfigureCluster(ISiloBuilder silo, KmsSiloOptions options)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId!;
            cluster.ServiceId = options.ServiceId;
        });
        silo.Configure<SiloOptions>(siloOptions => siloOptions.SiloName = options.SiloName!);
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.SiloPort = options.SiloPort;
            endpoints.GatewayPort = options.GatewayPort;
            if (options.AdvertisedAddress is { } address)
            {
                endpoints.AdvertisedIPAddress = IPAddress.Parse(address);
            }
        });
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            SiloMembershipOptions kms = options.Membership;
            membership.ProbeTimeout = kms.ProbeTimeout;
            membership.MaxProbeTimeout = kms.MaxProbeTimeout;
            membership.NumMissedProbesLimit = kms.NumMissedProbesLimit;
            membership.NumVotesForDeathDeclaration = kms.NumVotesForDeathDeclaration;
            membership.IAmAliveTablePublishTimeout = kms.IAmAliveTablePublishTimeout;
            membership.TableRefreshTimeout = kms.TableRefreshTimeout;
            membership.DeathVoteExpirationTimeout = kms.DeathVoteExpirationTimeout;
        });
    }

    private static void ConfigureStore(ISiloBuilder silo, KmsSiloOptions options)
    {
        switch (options.Store.Provider)
        {
            case SiloStoreProvider.Files:
                // Membership of one silo needs no shared table: development clustering with itself as primary.
                silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Parse(options.AdvertisedAddress!), options.SiloPort));
                silo.AddFileGrainStorage(StoreName, files =>
                    files.Directory = Path.Combine(options.DataDirectory!, GrainStateDirectoryName));
                silo.UseInMemoryReminderService();
                break;
            case SiloStoreProvider.Postgres:
                silo.UseKmsPostgres(postgres =>
                {
                    PostgresStoreOptions configured = options.Store.Postgres;
                    postgres.ConnectionString = configured.ConnectionString;
                    postgres.ApplySchemaOnStart = configured.ApplySchemaOnStart;
                    postgres.UseReminders = configured.UseReminders;
                    postgres.SchemaTimeout = configured.SchemaTimeout;
                    postgres.GrainStorageName = StoreName;
                });
                break;
            case SiloStoreProvider.AzureStorage:
                silo.UseKmsAzureStorage(options.Store.Azure, StoreName);
                break;
            default:
                throw new SiloStartupException(
                    $"The store {options.Store.Provider} is not available in this build.");
        }
    }
}

/// <summary>The keys a silo starts with (spans, so that nobody keeps a copy by accident).</summary>
/// <param name="StorageKey">The cluster storage key.</param>
/// <param name="SealingKey">This silo's own sealing key.</param>
internal readonly ref struct SiloRuntimeKeys(ReadOnlySpan<byte> StorageKey, ReadOnlySpan<byte> SealingKey)
{
    public ReadOnlySpan<byte> StorageKey { get; } = StorageKey;

    public ReadOnlySpan<byte> SealingKey { get; } = SealingKey;
}
