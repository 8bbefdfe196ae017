namespace Kms.Actors;

/// <summary>Base class of grain implementations, with Orleans' lifecycle methods.</summary>
/// <remarks>The runtime sets the grain's context after construction: <see cref="GrainId"/>, <see cref="GrainFactory"/>
/// and <see cref="DeactivateOnIdle"/> are usable from <see cref="OnActivateAsync"/> on, not in the constructor.
/// All methods of one activation run one at a time (turn-based), so grain fields need no locking.</remarks>
public abstract class Grain
{
    private IGrainContext? _context;

    /// <summary>The identity of this grain.</summary>
    public GrainId GrainId => Context.GrainId;

    /// <summary>A factory for calling other grains (call only down the grain graph: there is no reentrancy).</summary>
    public IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>Returns the grain's string key.</summary>
    public string GetPrimaryKeyString() => Context.GrainId.Key;

    /// <summary>Called after the grain's persistent state has been loaded, before the first call is served.
    /// An exception fails the activation and the calls waiting for it.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation is discarded (idle, requested, inconsistent state, silo shutdown), but not
    /// when a silo crashes. Write state here if it must survive; zero secrets. Exceptions are logged and ignored.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current call has completed. Calls queued behind it go to a new
    /// activation.</summary>
    protected void DeactivateOnIdle() => Context.RequestDeactivation(
        new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle was called."));

    private IGrainContext Context => _context
        ?? throw new InvalidOperationException("The grain context is not available in the grain's constructor.");

    internal void Attach(IGrainContext context) => _context = context;
}

/// <summary>What the runtime gives a grain about its own activation.</summary>
internal interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    void RequestDeactivation(DeactivationReason reason);
}
