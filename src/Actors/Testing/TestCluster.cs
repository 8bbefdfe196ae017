using Kms.Actors.Client;
using Kms.Actors.GrainDirectory;
using Kms.Actors.Hosting;
using Kms.Actors.Membership;
using Kms.Actors.Runtime;
using Kms.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Actors.Testing;

/// <summary>Options of <see cref="TestCluster"/>.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started by <see cref="TestCluster.StartAsync"/>. Default 2.</summary>
    public int InitialSilosCount { get; set; } = 2;

    /// <summary>Configures every silo (grains, JSON contexts, timings). The cluster has already set the silo name,
    /// loopback port 0, the shared membership table and directory, and <see cref="TestCluster.Storage"/> as the
    /// "Default" storage provider.</summary>
    public Action<SiloOptions>? ConfigureSilo { get; set; }

    /// <summary>Adds services for a silo, given its name (e.g. per-silo identities).</summary>
    public Action<string, IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Logging for the silos. Default: none.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;
}

/// <summary>Several silos in one process, talking over real loopback HTTP/2, sharing an in-memory membership table,
/// grain directory and grain storage — Orleans' <c>InProcessTestCluster</c> for this runtime.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<(Silo Silo, ServiceProvider Services)> _silos = [];
    private readonly Lock _lock = new();
    private int _nextSilo;

    private TestCluster(TestClusterOptions options) => _options = options;

    /// <summary>The shared membership table.</summary>
    public InMemoryMembershipTable MembershipTable { get; } = new();

    /// <summary>The shared grain directory.</summary>
    public InMemoryGrainDirectory Directory { get; } = new();

    /// <summary>The shared "Default" grain storage.</summary>
    public InMemoryGrainStorage Storage { get; } = new();

    /// <summary>The silos that are running (not stopped or killed).</summary>
    public IReadOnlyList<Silo> Silos
    {
        get
        {
            lock (_lock)
            {
                return [.. _silos.Select(s => s.Silo)];
            }
        }
    }

    /// <summary>The grain factory of the first running silo.</summary>
    public IGrainFactory GrainFactory => Silos.FirstOrDefault()?.GrainFactory ?? throw new InvalidOperationException("No silo is running.");

    /// <summary>Starts a cluster of <see cref="TestClusterOptions.InitialSilosCount"/> silos.</summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new TestCluster(options);
        try
        {
            for (int i = 0; i < options.InitialSilosCount; i++)
            {
                await cluster.StartAdditionalSiloAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>Starts one more silo, named <c>silo-N</c>.</summary>
    public async Task<Silo> StartAdditionalSiloAsync(CancellationToken cancellationToken = default)
    {
        string name = $"silo-{Interlocked.Increment(ref _nextSilo)}";
        var services = new ServiceCollection();
        services.AddSingleton(_options.LoggerFactory);
        _options.ConfigureServices?.Invoke(name, services);
        services.AddKmsSilo(silo =>
        {
            silo.SiloName = name;
            silo.Host = "127.0.0.1";
            silo.Port = 0;
            silo.MembershipTable = MembershipTable;
            silo.GrainDirectory = Directory;
            silo.StorageProviders[PersistentStateAttribute.DefaultStorageName] = Storage;
            silo.Membership.ShutdownDrainTime = TimeSpan.FromMilliseconds(100); // in-memory membership: peers learn at once
            _options.ConfigureSilo?.Invoke(silo);
        });
        ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            Silo silo = provider.GetRequiredService<Silo>();
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _silos.Add((silo, provider));
            }

            await RefreshMembershipAsync(cancellationToken).ConfigureAwait(false);
            return silo;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops a silo gracefully (its grains deactivate and may write state).</summary>
    public async Task StopSiloAsync(Silo silo, CancellationToken cancellationToken = default)
    {
        ServiceProvider services = Remove(silo);
        await silo.StopAsync(cancellationToken).ConfigureAwait(false);
        await services.DisposeAsync().ConfigureAwait(false);
        await RefreshMembershipAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills a silo abruptly: its transport closes, nothing deactivates, and the test host (standing in for
    /// the failure detector) declares it Dead in the membership table.</summary>
    public async Task KillSiloAsync(Silo silo, CancellationToken cancellationToken = default)
    {
        ServiceProvider services = Remove(silo);
        await silo.AbortAsync().ConfigureAwait(false);
        await MembershipService.DeclareDeadAsync(MembershipTable, silo.Address!, cancellationToken).ConfigureAwait(false);
        await Directory.UnregisterSilosAsync([silo.Address!], cancellationToken).ConfigureAwait(false);
        await services.DisposeAsync().ConfigureAwait(false);
        await RefreshMembershipAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a cluster client whose gateways are the running silos.</summary>
    public ClusterClient CreateClient(Action<ClusterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ClusterClientOptions();
        foreach (Silo silo in Silos)
        {
            options.Gateways.Add(silo.Address!.ToUri());
        }

        configure(options);
        return new ClusterClient(options, _options.LoggerFactory);
    }

    /// <summary>Stops every silo gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Silo silo in Silos)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await StopSiloAsync(silo, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or SiloUnavailableException)
            {
                // best effort: the test is over
            }
        }
    }

    /// <summary>Makes every running silo read the membership table now, so a change made by the test is seen by all
    /// silos when the operation that made it returns.</summary>
    public async Task RefreshMembershipAsync(CancellationToken cancellationToken = default)
    {
        foreach (Silo silo in Silos)
        {
            await silo.Membership.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ServiceProvider Remove(Silo silo)
    {
        lock (_lock)
        {
            int index = _silos.FindIndex(s => ReferenceEquals(s.Silo, silo));
            if (index < 0)
            {
                throw new InvalidOperationException("The silo is not running in this cluster.");
            }

            ServiceProvider services = _silos[index].Services;
            _silos.RemoveAt(index);
            return services;
        }
    }
}
