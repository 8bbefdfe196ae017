using Kms.Attestation;
using Kms.Grains.KeyShares;
using Kms.Grains.Namespaces;
using Kms.Grains.Onboarding;
using Kms.Grains.Placement;
using Kms.Grains.Release;
using Kms.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Kms.Grains.Hosting;

/// <summary>Adds what KMS grains need from an Orleans silo, whatever its clustering and store.</summary>
public static class KmsSiloBuilderExtensions
{
    /// <summary>
    /// Registers silo-bound placement and the <see cref="GrainStorageNames.Kms"/> grain storage, which seals every
    /// state under <paramref name="storageKey"/> before the grain storage named <paramref name="storeName"/> keeps it.
    /// </summary>
    /// <param name="silo">The silo.</param>
    /// <param name="storageKey">The 32-byte cluster storage key; copied (wipe yours).</param>
    /// <param name="storeName">The name of a grain storage registered by the caller (files, Azure Blob, ADO.NET).</param>
    public static ISiloBuilder AddKmsGrains(this ISiloBuilder silo, ReadOnlySpan<byte> storageKey, string storeName)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        if (storeName == GrainStorageNames.Kms)
        {
            throw new ArgumentException($"The store must have another name than '{GrainStorageNames.Kms}'.", nameof(storeName));
        }

        // Created here because a span cannot be captured; the factory registration lets the container dispose it.
        var sealer = new GrainStateSealer(storageKey);
        silo.Services.AddSingleton(_ => sealer);
        silo.Services.AddGrainStorage(GrainStorageNames.Kms, (services, _) => new SealedGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(storeName),
            services.GetRequiredService<GrainStateSealer>(),
            services.GetRequiredService<Serializer>(),
            services.GetRequiredService<IActivatorProvider>()));
        silo.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<EvidenceVerifierSet>();
        silo.Services.TryAddSingleton<OnchainGovernanceDirectory>();
        silo.Services.TryAddSingleton<OnchainOnboardingApprovals>();
        silo.Services.TryAddSingleton<Release.RegistrySigningCache>();
        silo.Services.AddOptions<KmsGrainOptions>().Validate(
            static options =>
            {
                options.Validate();
                return true;
            });
        return silo;
    }

    /// <summary>
    /// Registers this silo's own sealing key, under which its key shares are sealed at rest (distinct from the cluster
    /// storage key, which every silo holds).
    /// </summary>
    /// <param name="silo">The silo.</param>
    /// <param name="key">32 bytes; copied (wipe yours).</param>
    public static ISiloBuilder AddKmsSiloSealingKey(this ISiloBuilder silo, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var sealingKey = new SiloSealingKey(key);
        silo.Services.AddSingleton(_ => sealingKey);
        return silo;
    }

    /// <summary>Accepts evidence of <paramref name="verifier"/>'s type on this silo.</summary>
    public static ISiloBuilder AddKmsEvidenceVerifier(this ISiloBuilder silo, IEvidenceVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(verifier);
        silo.Services.AddSingleton(verifier);
        return silo;
    }

    /// <summary>Registers a <see cref="FileGrainStorage"/> under <paramref name="name"/>.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder silo, string name, Action<FileGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new FileGrainStorageOptions();
        configure(options);
        silo.Services.AddGrainStorage(name, (services, _) => new FileGrainStorage(
            options, services.GetRequiredService<Serializer>(), services.GetRequiredService<IActivatorProvider>()));
        return silo;
    }
}
