namespace Kms.Actors;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None,
    /// <summary>The grain called <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,
    /// <summary>The activation was idle longer than the collection age.</summary>
    ActivationIdle,
    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,
    /// <summary>A call failed with <see cref="InconsistentStateException"/>: the state in memory is stale.</summary>
    InconsistentState,
    /// <summary><see cref="Grain.OnActivateAsync"/> or state loading failed.</summary>
    ActivationFailed,
    /// <summary>Another silo already hosts the grain.</summary>
    DuplicateActivation,
}

/// <summary>Why an activation is being deactivated, with a description for logs.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description)
{
    /// <inheritdoc/>
    public override string ToString() => $"{ReasonCode}: {Description}";
}
