using System.Text.Json;
using System.Threading.Channels;
using Kms.Actors.GrainDirectory;
using Microsoft.Extensions.Logging;

namespace Kms.Actors.Runtime;

/// <summary>Lifecycle of an activation (Orleans' <c>ActivationState</c>).</summary>
internal enum ActivationState
{
    Creating,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>One activation of a grain: a mailbox drained by a single loop, so calls run one at a time in arrival
/// order. Order of life: register in the directory → load persistent state → <see cref="Grain.OnActivateAsync"/> →
/// serve → <see cref="Grain.OnDeactivateAsync"/> → unregister. Calls still queued when it stops are re-dispatched to
/// the grain's next activation.</summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly Silo _runtime;
    private readonly Channel<WorkItem?> _mailbox = Channel.CreateUnbounded<WorkItem?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private ActivationState _state = ActivationState.Creating;
    private DeactivationReason? _deactivationReason;
    private int _pending;
    private long _lastActive;
    private Grain? _grain;

    public ActivationData(Silo runtime, GrainClass grainClass, GrainId grainId)
    {
        _runtime = runtime;
        GrainClass = grainClass;
        GrainId = grainId;
        Address = new GrainAddress(grainId, runtime.Address ?? throw new InvalidOperationException("The silo is not started."), Guid.NewGuid());
        _lastActive = runtime.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public GrainClass GrainClass { get; }

    public GrainAddress Address { get; }

    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    public ActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Completes when the activation has stopped and left the catalog.</summary>
    public Task Stopped => _stopped.Task;

    internal Grain? GrainInstance => _grain;

    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Queues a call; false if the activation is stopping (the caller then waits for <see cref="Stopped"/>
    /// and dispatches again).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_lock)
        {
            if (_state >= ActivationState.Deactivating || _deactivationReason is not null)
            {
                return false;
            }

            _pending++;
        }

        return _mailbox.Writer.TryWrite(item);
    }

    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (_deactivationReason is not null || _state >= ActivationState.Deactivating)
            {
                return;
            }

            _deactivationReason = reason;
        }

        _mailbox.Writer.TryWrite(null); // wakes the loop if it is idle
    }

    /// <summary>Starts deactivation if nothing has been queued or run for <paramref name="age"/>.</summary>
    public bool TryCollect(TimeSpan age)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _pending != 0 || _deactivationReason is not null
                || _runtime.TimeProvider.GetElapsedTime(_lastActive) < age)
            {
                return false;
            }

            _deactivationReason = new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"Idle for more than {age}.");
        }

        _mailbox.Writer.TryWrite(null);
        return true;
    }

    private async Task RunAsync()
    {
        try
        {
            if (await TryActivateAsync().ConfigureAwait(false))
            {
                await ServeAsync().ConfigureAwait(false);
                await DeactivateAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Only runtime failures get here (the directory, typically); the activation must still leave the catalog.
            Log.LoopFailed(_runtime.Logger, GrainId, ex);
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> TryActivateAsync()
    {
        lock (_lock)
        {
            _state = ActivationState.Activating;
        }

        try
        {
            GrainAddress? previous = await _runtime.Directory.LookupAsync(GrainId, CancellationToken.None).ConfigureAwait(false);
            // Only an entry that cannot be live may be replaced: one on a dead silo, or one on this silo that is not
            // this activation (the catalog holds one activation per grain, and it is this one: the entry is stale).
            if (previous is not null && !_runtime.Membership.IsDead(previous.Silo) && previous.Silo != Address.Silo)
            {
                previous = null;
            }

            GrainAddress winner = await _runtime.Directory.RegisterAsync(Address, previous, CancellationToken.None).ConfigureAwait(false);
            if (winner != Address)
            {
                Log.DuplicateActivation(_runtime.Logger, GrainId, winner.Silo);
                lock (_lock)
                {
                    _state = ActivationState.Deactivating;
                }

                return false;
            }

            using var timeout = new CancellationTokenSource(_runtime.Options.Collection.ActivationTimeout, _runtime.TimeProvider);
            (Grain grain, IPersistentStateLoader[] states) = GrainClass.Create(_runtime.Services, this);
            foreach (IPersistentStateLoader state in states)
            {
                await state.LoadAsync(timeout.Token).ConfigureAwait(false);
            }

            await grain.OnActivateAsync(timeout.Token).ConfigureAwait(false);
            _grain = grain;
            lock (_lock)
            {
                _state = ActivationState.Valid;
            }

            Log.Activated(_runtime.Logger, GrainId);
            return true;
        }
        catch (Exception ex)
        {
            Log.ActivationFailed(_runtime.Logger, GrainId, ex);
            lock (_lock)
            {
                _state = ActivationState.Deactivating;
            }

            // The calls that caused this activation fail with the reason; they are not retried on a new activation.
            while (_mailbox.Reader.TryRead(out WorkItem? item))
            {
                item?.TrySetException(ex);
            }

            await _runtime.Directory.UnregisterAsync(Address, CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    private async Task ServeAsync()
    {
        ChannelReader<WorkItem?> reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out WorkItem? item))
            {
                if (item is not null)
                {
                    await ExecuteAsync(item).ConfigureAwait(false);
                    lock (_lock)
                    {
                        _pending--;
                        _lastActive = _runtime.TimeProvider.GetTimestamp();
                    }
                }

                lock (_lock)
                {
                    if (_deactivationReason is not null)
                    {
                        _state = ActivationState.Deactivating;
                        return;
                    }
                }
            }
        }
    }

    private async Task ExecuteAsync(WorkItem item)
    {
        if (item.Task.IsCompleted)
        {
            return; // the caller gave up (timeout) before the turn started
        }

        if (_runtime.TimeProvider.GetTimestamp() > item.DeadlineTimestamp)
        {
            item.TrySetException(new GrainCallTimeoutException($"Call to {item.Method} on {GrainId} expired in the grain's queue."));
            return;
        }

        try
        {
            object?[] arguments;
            try
            {
                arguments = item.Method.DecodeArguments(item.Arguments);
            }
            catch (JsonException ex)
            {
                throw new MalformedArgumentsException($"Malformed arguments for {item.Method}: {ex.Message}", ex);
            }

            item.TrySetResult(await item.Method.GrainInvoker(_grain!, arguments).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            if (ex is InconsistentStateException)
            {
                RequestDeactivation(new DeactivationReason(DeactivationReasonCode.InconsistentState, ex.Message));
            }

            item.TrySetException(ex);
        }
    }

    private async Task DeactivateAsync()
    {
        DeactivationReason reason = _deactivationReason ?? new DeactivationReason(DeactivationReasonCode.None, "");
        Log.Deactivating(_runtime.Logger, GrainId, reason.ReasonCode);
        try
        {
            using var timeout = new CancellationTokenSource(_runtime.Options.Collection.ActivationTimeout, _runtime.TimeProvider);
            await _grain!.OnDeactivateAsync(reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DeactivateFailed(_runtime.Logger, GrainId, ex);
        }

        await _runtime.Directory.UnregisterAsync(Address, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task StopAsync()
    {
        lock (_lock)
        {
            _state = ActivationState.Invalid;
        }

        _mailbox.Writer.TryComplete();
        _runtime.Catalog.Remove(this);
        _stopped.TrySetResult();

        // Calls that arrived after the last turn go to the grain's next activation (or its current one elsewhere),
        // all at once: each may wait on another silo.
        var redispatched = new List<Task>();
        while (_mailbox.Reader.TryRead(out WorkItem? item))
        {
            if (item is not null && !item.Task.IsCompleted)
            {
                redispatched.Add(_runtime.Router.DispatchAsync(item));
            }
        }

        await Task.WhenAll(redispatched).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Activated {GrainId}.")]
        public static partial void Activated(ILogger logger, GrainId grainId);

        [LoggerMessage(2, LogLevel.Warning, "Activation of {GrainId} failed.")]
        public static partial void ActivationFailed(ILogger logger, GrainId grainId, Exception exception);

        [LoggerMessage(3, LogLevel.Debug, "Deactivating {GrainId}: {Reason}.")]
        public static partial void Deactivating(ILogger logger, GrainId grainId, DeactivationReasonCode reason);

        [LoggerMessage(4, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed; ignored.")]
        public static partial void DeactivateFailed(ILogger logger, GrainId grainId, Exception exception);

        [LoggerMessage(6, LogLevel.Error, "The activation of {GrainId} failed outside grain code; it is discarded.")]
        public static partial void LoopFailed(ILogger logger, GrainId grainId, Exception exception);

        [LoggerMessage(5, LogLevel.Debug, "{GrainId} is already active on {Silo}; calls are forwarded there.")]
        public static partial void DuplicateActivation(ILogger logger, GrainId grainId, Kms.Actors.Membership.SiloAddress silo);
    }
}
