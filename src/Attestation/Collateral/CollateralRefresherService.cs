using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kms.Attestation.Collateral;

/// <summary>Runs a <see cref="CollateralRefresher"/> for the lifetime of the host.</summary>
public sealed class CollateralRefresherService(CollateralRefresher refresher) : BackgroundService
{
    /// <summary>The refresher this service runs (for its status).</summary>
    public CollateralRefresher Refresher { get; } = refresher ?? throw new ArgumentNullException(nameof(refresher));

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Refresher.RunAsync(stoppingToken);
}

/// <summary>Registration of the background collateral refresher.</summary>
public static class CollateralRefresherServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient the refresher's fetcher uses (configure proxies or handlers on it).</summary>
    public const string HttpClientName = "Kms.Attestation.Collateral";

    /// <summary>
    /// Registers a <see cref="CollateralRefresher"/> that keeps <paramref name="cacheDirectory"/> (the directory the
    /// verifiers' <see cref="DirectoryCollateralSource"/> reads) fresh, and a hosted service that runs it. Uses the
    /// registered <see cref="TimeProvider"/> when there is one.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="cacheDirectory">The collateral cache directory.</param>
    /// <param name="configure">What to keep fresh (FMSPCs, PCK CAs, AMD families) and when.</param>
    /// <param name="fetcherOptions">Vendor addresses and limits; default <see cref="CollateralFetcherOptions"/>.</param>
    public static IServiceCollection AddKmsCollateralRefresher(
        this IServiceCollection services, string cacheDirectory, Action<CollateralRefreshOptions> configure, CollateralFetcherOptions? fetcherOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        ArgumentNullException.ThrowIfNull(configure);
        CollateralRefreshOptions options = new();
        configure(options);
        options.Validate();

        services.AddHttpClient(HttpClientName);
        services.TryAddSingleton(sp => new CollateralRefresher(
            new OnlineCollateralFetcher(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), new DirectoryCollateralSource(cacheDirectory), fetcherOptions),
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<CollateralRefresher>>()));
        services.AddHostedService<CollateralRefresherService>();
        return services;
    }
}
