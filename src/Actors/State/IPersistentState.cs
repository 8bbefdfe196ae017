namespace Kms.Actors;

/// <summary>A grain's persistent state, read before <see cref="Grain.OnActivateAsync"/> and written only when the
/// grain asks. Writes are compare-and-set on <see cref="Etag"/>: if the stored version changed since it was read,
/// <see cref="WriteStateAsync"/> throws <see cref="InconsistentStateException"/> and the runtime deactivates the
/// activation, so the next call re-reads the state.</summary>
/// <typeparam name="TState">State type; must be in a registered JSON serializer context.</typeparam>
public interface IPersistentState<TState>
    where TState : new()
{
    /// <summary>The state. A new <typeparamref name="TState"/> when no record exists.</summary>
    TState State { get; set; }

    /// <summary>Opaque version of the stored record that <see cref="State"/> was read from or last written as;
    /// <see langword="null"/> if the record never existed.</summary>
    string? Etag { get; }

    /// <summary>Whether a record exists in storage (false after <see cref="ClearStateAsync"/>).</summary>
    bool RecordExists { get; }

    /// <summary>Re-reads the state from storage, discarding unsaved changes.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/> if the stored version still equals <see cref="Etag"/>.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the record (a versioned tombstone) if the stored version still equals <see cref="Etag"/>,
    /// and resets <see cref="State"/>.</summary>
    /// <exception cref="InconsistentStateException">The stored version differs.</exception>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>The stored version of a grain state is not the one the activation read: another activation (or an
/// operator) changed it. The runtime deactivates the activation that gets this exception.</summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The version found in storage (<see langword="null"/> if none).</summary>
    public string? StoredEtag { get; }

    /// <summary>The version the activation expected.</summary>
    public string? CurrentEtag { get; }
}
