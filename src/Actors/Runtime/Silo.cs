using Kms.Actors.GrainDirectory;
using Kms.Actors.Hosting;
using Kms.Actors.Membership;
using Kms.Actors.Serialization;
using Kms.Actors.Storage;
using Kms.Actors.Transport;
using Microsoft.Extensions.Logging;

namespace Kms.Actors.Runtime;

/// <summary>One silo: validated grain registrations, the catalog of activations, membership, directory, router and
/// transport. Construction validates every grain interface and class (startup errors, not first-call errors);
/// <see cref="StartAsync"/> listens, joins and becomes Active; <see cref="StopAsync"/> leaves gracefully.</summary>
public sealed partial class Silo : ISiloStatus, IAsyncDisposable
{
    private static long s_lastGeneration;
    private readonly SiloTransportServer _server;
    private readonly ClusterCertificate? _certificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private int _started;

    /// <summary>Creates a silo and validates its registrations.</summary>
    /// <exception cref="GrainInterfaceValidationException">A grain interface or class is unusable.</exception>
    public Silo(SiloOptions options, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Options = options;
        Services = services;
        Logger = loggerFactory.CreateLogger<Silo>();
        TimeProvider = options.TimeProvider;
        var json = GrainInterfaceRegistry.CreateJsonOptions(options.JsonContexts);
        Interfaces = GrainInterfaceRegistry.Create(options.GrainInterfaces.Concat(options.GrainClasses), json);
        Classes = GrainClassRegistry.Create(options.GrainClasses, Interfaces, new Dictionary<string, IGrainStorage>(options.StorageProviders));
        Directory = options.GrainDirectory ?? new InMemoryGrainDirectory();
        MembershipTable = options.MembershipTable ?? new InMemoryMembershipTable();
        Membership = new MembershipService(MembershipTable, Directory, options, loggerFactory.CreateLogger<MembershipService>());
        Catalog = new Catalog(this);
        Router = new GrainRouter(this);
        GrainFactory = new GrainFactory(Interfaces, Router);
        _certificate = options.ClusterCertificate is { } certificate ? new ClusterCertificate(certificate) : null;
        Transport = new SiloTransportClient(options.Calls.MaxMessageSize, _certificate);
        _server = new SiloTransportServer(Router, loggerFactory);
    }

    /// <inheritdoc/>
    public SiloStatus Status => Membership.LocalStatus;

    /// <inheritdoc/>
    public bool IsActive => Status == SiloStatus.Active;

    /// <inheritdoc/>
    public SiloAddress? Address { get; private set; }

    /// <summary>The silo's grain factory (calls from inside this process).</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>Number of activations on this silo.</summary>
    public int ActivationCount => Catalog.Count;

    internal SiloOptions Options { get; }

    internal IServiceProvider Services { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    internal GrainInterfaceRegistry Interfaces { get; }

    internal GrainClassRegistry Classes { get; }

    internal IGrainDirectory Directory { get; }

    internal IMembershipTable MembershipTable { get; }

    internal MembershipService Membership { get; }

    internal Catalog Catalog { get; }

    internal GrainRouter Router { get; }

    internal SiloTransportClient Transport { get; }

    /// <summary>Starts the transport, joins the membership table and becomes Active.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The silo was already started.");
        }

        int port = await _server.StartAsync(Options.Host, Options.Port, Options.Calls.MaxMessageSize, _certificate, cancellationToken).ConfigureAwait(false);
        Address = new SiloAddress(Options.Host, port, NextGeneration());
        if (MembershipTable is InMemoryMembershipTable inMemory)
        {
            inMemory.Changed += OnMembershipChanged;
        }

        await Membership.JoinAsync(Address, cancellationToken).ConfigureAwait(false);
        _background.Add(Membership.RunAsync(_stopping.Token));
        _background.Add(CollectIdleActivationsAsync(_stopping.Token));
        Log.Started(Logger, Options.SiloName, Address);
    }

    /// <summary>Graceful shutdown: ShuttingDown (no new activations; others stop placing here) → every activation
    /// deactivates (<see cref="Grain.OnDeactivateAsync"/> runs, queued calls move to other silos) → Dead → drain time
    /// (<see cref="MembershipOptions.ShutdownDrainTime"/>) → transport stops after in-flight requests complete. Whatever is still running when <paramref name="cancellationToken"/>
    /// fires fails with <see cref="SiloUnavailableException"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Address is null || Status is SiloStatus.Dead or SiloStatus.None)
        {
            await AbortAsync().ConfigureAwait(false);
            return;
        }

        Log.Stopping(Logger, Address);
        try
        {
            await Membership.SetLocalStatusAsync(SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
            await Catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is shutting down."), cancellationToken).ConfigureAwait(false);
            await Membership.SetLocalStatusAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
            await Task.Delay(Options.Membership.ShutdownDrainTime, TimeProvider, cancellationToken).ConfigureAwait(false);
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await AbortAsync().ConfigureAwait(false);
        }

        Log.Stopped(Logger, Address);
    }

    /// <summary>Stops everything at once, as a crash would: no deactivation, no membership update (the caller — a
    /// test host or operator — declares the silo dead).</summary>
    internal async Task AbortAsync()
    {
        _stopping.Cancel();
        if (MembershipTable is InMemoryMembershipTable inMemory)
        {
            inMemory.Changed -= OnMembershipChanged;
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_background).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Transport.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await AbortAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void OnMembershipChanged()
        => _ = Task.Run(async () =>
        {
            try
            {
                await Membership.RefreshAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.RefreshFailed(Logger, ex);
            }
        });

    private async Task CollectIdleActivationsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.Collection.CollectionQuantum, TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                int collected = Catalog.CollectIdle(Options.Collection.CollectionAge);
                if (collected > 0)
                {
                    Log.Collected(Logger, collected);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long NextGeneration()
    {
        long now = TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            long last = Volatile.Read(ref s_lastGeneration);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref s_lastGeneration, next, last) == last)
            {
                return next;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Information, "Silo {SiloName} started at {Address}.")]
        public static partial void Started(ILogger logger, string siloName, SiloAddress address);

        [LoggerMessage(31, LogLevel.Information, "Silo {Address} is shutting down.")]
        public static partial void Stopping(ILogger logger, SiloAddress address);

        [LoggerMessage(32, LogLevel.Information, "Silo {Address} stopped.")]
        public static partial void Stopped(ILogger logger, SiloAddress address);

        [LoggerMessage(33, LogLevel.Debug, "Collected {Count} idle activations.")]
        public static partial void Collected(ILogger logger, int count);

        [LoggerMessage(34, LogLevel.Warning, "Membership refresh failed.")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
