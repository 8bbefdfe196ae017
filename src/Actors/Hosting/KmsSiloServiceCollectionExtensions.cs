using Kms.Actors.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Actors.Hosting;

/// <summary>Hosts a silo in a generic host or ASP.NET Core application.</summary>
public static class KmsSiloServiceCollectionExtensions
{
    /// <summary>Adds a silo: <see cref="Silo"/>, <see cref="ISiloStatus"/> and <see cref="IGrainFactory"/> as
    /// singletons, and a hosted service that starts the silo with the host and stops it gracefully. Grain
    /// registrations are validated when the host starts.</summary>
    /// <example>
    /// <code>
    /// services.AddKmsSilo(silo =>
    /// {
    ///     silo.SiloName = "silo-1";
    ///     silo.Port = 11111;
    ///     silo.AddGrain&lt;NamespaceGrain&gt;().AddJsonContext(GrainsJsonContext.Default);
    ///     silo.UseFileStorage("/var/lib/kms/state", storageKey);
    /// });
    /// </code>
    /// </example>
    public static IServiceCollection AddKmsSilo(this IServiceCollection services, Action<SiloOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(_ =>
        {
            var options = new SiloOptions();
            configure(options);
            return options;
        });
        services.TryAddSingleton(provider => new Silo(
            provider.GetRequiredService<SiloOptions>(),
            provider,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.TryAddSingleton<ISiloStatus>(provider => provider.GetRequiredService<Silo>());
        services.TryAddSingleton(provider => provider.GetRequiredService<Silo>().GrainFactory);
        services.AddHostedService<SiloHostedService>();
        return services;
    }
}

/// <summary>Starts the silo with the host and stops it gracefully with it.</summary>
internal sealed class SiloHostedService(Silo silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => silo.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await silo.StopAsync(cancellationToken).ConfigureAwait(false);
        await silo.DisposeAsync().ConfigureAwait(false);
    }
}
