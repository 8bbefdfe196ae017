using Kms.Actors.Membership;

namespace Kms.Actors.GrainDirectory;

/// <summary>Where the single activation of a grain lives.</summary>
/// <param name="GrainId">The grain.</param>
/// <param name="Silo">The silo hosting the activation.</param>
/// <param name="ActivationId">Unique id of the activation.</param>
public sealed record GrainAddress(GrainId GrainId, SiloAddress Silo, Guid ActivationId);

/// <summary>Maps grain ids to their single activation (Orleans' <c>IGrainDirectory</c> contract; the PostgreSQL
/// version is the <c>OrleansGrainDirectory</c> table: insert-if-absent returning the winner, delete by activation id).</summary>
public interface IGrainDirectory
{
    /// <summary>Registers <paramref name="address"/> if the grain has no entry, or if its entry equals
    /// <paramref name="previousAddress"/> (replacing an activation on a dead silo). Returns the registered entry:
    /// <paramref name="address"/> if it won, otherwise the existing one.</summary>
    ValueTask<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken);

    /// <summary>Removes the entry only if it is exactly <paramref name="address"/> (same activation).</summary>
    ValueTask UnregisterAsync(GrainAddress address, CancellationToken cancellationToken);

    /// <summary>Returns the entry of a grain, if any.</summary>
    ValueTask<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Removes every entry on the given silos (after they are declared dead).</summary>
    ValueTask UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken);
}

/// <summary>The directory in process memory, shared by the silos of one process. Linearizable: one lock-free
/// compare-and-set per operation on a concurrent dictionary.</summary>
public sealed class InMemoryGrainDirectory : IGrainDirectory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<GrainId, GrainAddress> _entries = new();

    /// <inheritdoc/>
    public ValueTask<GrainAddress> RegisterAsync(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_entries.TryAdd(address.GrainId, address))
            {
                return ValueTask.FromResult(address);
            }

            if (!_entries.TryGetValue(address.GrainId, out GrainAddress? current))
            {
                continue;
            }

            if (previousAddress is null || current != previousAddress)
            {
                return ValueTask.FromResult(current);
            }

            if (_entries.TryUpdate(address.GrainId, address, current))
            {
                return ValueTask.FromResult(address);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask UnregisterAsync(GrainAddress address, CancellationToken cancellationToken)
    {
        _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken)
        => ValueTask.FromResult(_entries.TryGetValue(grainId, out GrainAddress? found) ? found : null);

    /// <inheritdoc/>
    public ValueTask UnregisterSilosAsync(IReadOnlyCollection<SiloAddress> silos, CancellationToken cancellationToken)
    {
        foreach (KeyValuePair<GrainId, GrainAddress> entry in _entries)
        {
            if (silos.Contains(entry.Value.Silo))
            {
                _entries.TryRemove(entry);
            }
        }

        return ValueTask.CompletedTask;
    }
}
