using Kms.Actors.GrainDirectory;
using Kms.Actors.Hosting;
using Microsoft.Extensions.Logging;

namespace Kms.Actors.Membership;

/// <summary>A silo's view of membership: joins the table, moves its own row through Joining → Active → ShuttingDown
/// → Dead with compare-and-set writes, refreshes the snapshot, writes heartbeats, purges directory entries of dead
/// silos, and stops the silo from serving if the table says it is dead (self-fencing).</summary>
/// <remarks>v1 has no failure detector (probes and votes): silos are declared dead by their own shutdown or by an
/// operator/test host writing the table.</remarks>
internal sealed partial class MembershipService(
    IMembershipTable table, IGrainDirectory directory, SiloOptions options, ILogger logger)
{
    private volatile View _view = new(MembershipTableSnapshot.Empty, []);
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly HashSet<SiloAddress> _purged = [];
    private SiloAddress? _local;
    private volatile int _localStatus = (int)SiloStatus.None;

    /// <summary>This silo's own status as it acts on it.</summary>
    public SiloStatus LocalStatus => (SiloStatus)_localStatus;

    public MembershipTableSnapshot Snapshot => _view.Snapshot;

    /// <summary>Active silos of the current snapshot, in table order.</summary>
    public IReadOnlyList<MembershipEntry> ActiveSilos => _view.Active;

    public bool IsDead(SiloAddress silo) => _view.Snapshot.StatusOf(silo) == SiloStatus.Dead;

    /// <summary>Whether calls may be sent to <paramref name="silo"/> (Active, or ShuttingDown while it drains).</summary>
    public bool IsReachable(SiloAddress silo) => _view.Snapshot.StatusOf(silo) is SiloStatus.Active or SiloStatus.ShuttingDown;

    public async Task JoinAsync(SiloAddress local, CancellationToken cancellationToken)
    {
        _local = local;
        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        var entry = new MembershipEntry(local, options.SiloName, SiloStatus.Joining, now, now);
        while (true)
        {
            MembershipTableSnapshot snapshot = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            foreach (VersionedMembershipEntry row in snapshot.Entries)
            {
                if (row.Entry.SiloName == options.SiloName && row.Entry.Status is SiloStatus.Joining or SiloStatus.Active)
                {
                    throw new InvalidOperationException(
                        $"Silo name '{options.SiloName}' is already used by live silo {row.Entry.Address}; silo names must be unique.");
                }
            }

            if (await table.InsertRowAsync(entry, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        _localStatus = (int)SiloStatus.Joining;
        await SetLocalStatusAsync(SiloStatus.Active, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes this silo's status (compare-and-set, retried on conflicts).</summary>
    public async Task SetLocalStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        SiloAddress local = _local ?? throw new InvalidOperationException("The silo has not joined.");
        while (true)
        {
            MembershipTableSnapshot snapshot = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            VersionedMembershipEntry row = snapshot.Entries.FirstOrDefault(r => r.Entry.Address == local)
                ?? throw new InvalidOperationException($"Silo {local} is missing from the membership table.");
            if (row.Entry.Status == SiloStatus.Dead && status != SiloStatus.Dead)
            {
                _localStatus = (int)SiloStatus.Dead;
                throw new InvalidOperationException($"Silo {local} was declared dead.");
            }

            if (await table.UpdateRowAsync(row.Entry with { Status = status }, row.ETag, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                _localStatus = (int)status;
                Log.StatusChanged(logger, local, status);
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Declares another silo dead (used by test hosts and operators; v1 has no failure detector).</summary>
    public static async Task DeclareDeadAsync(IMembershipTable table, SiloAddress silo, CancellationToken cancellationToken)
    {
        while (true)
        {
            MembershipTableSnapshot snapshot = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            VersionedMembershipEntry? row = snapshot.Entries.FirstOrDefault(r => r.Entry.Address == silo);
            if (row is null || row.Entry.Status == SiloStatus.Dead
                || await table.UpdateRowAsync(row.Entry with { Status = SiloStatus.Dead }, row.ETag, snapshot.Version, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Reads the table and applies it if newer: purges dead silos' directory entries, fences itself.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            MembershipTableSnapshot snapshot = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot.Version < _view.Snapshot.Version)
            {
                return;
            }

            _view = new View(snapshot, [.. snapshot.Entries.Select(r => r.Entry).Where(e => e.Status == SiloStatus.Active)]);
            var newlyDead = snapshot.Entries
                .Where(r => r.Entry.Status == SiloStatus.Dead && r.Entry.Address != _local && _purged.Add(r.Entry.Address))
                .Select(r => r.Entry.Address)
                .ToArray();
            if (newlyDead.Length > 0)
            {
                await directory.UnregisterSilosAsync(newlyDead, cancellationToken).ConfigureAwait(false);
            }

            if (_local is not null && snapshot.StatusOf(_local) == SiloStatus.Dead && LocalStatus != SiloStatus.Dead)
            {
                _localStatus = (int)SiloStatus.Dead;
                Log.DeclaredDead(logger, _local);
            }
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Refreshes and heartbeats until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Membership.RefreshPeriod, options.TimeProvider);
        long lastHeartbeat = options.TimeProvider.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                    if (_local is not null && options.TimeProvider.GetElapsedTime(lastHeartbeat) >= options.Membership.IAmAlivePeriod)
                    {
                        await table.UpdateIAmAliveAsync(_local, options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                        lastHeartbeat = options.TimeProvider.GetTimestamp();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.RefreshFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private sealed record View(MembershipTableSnapshot Snapshot, IReadOnlyList<MembershipEntry> Active);

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Silo {Silo} is now {Status}.")]
        public static partial void StatusChanged(ILogger logger, SiloAddress silo, SiloStatus status);

        [LoggerMessage(11, LogLevel.Critical, "Silo {Silo} is declared dead in the membership table; it stops serving grains.")]
        public static partial void DeclaredDead(ILogger logger, SiloAddress silo);

        [LoggerMessage(12, LogLevel.Warning, "Membership refresh failed.")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
