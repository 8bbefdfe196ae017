using System.Collections.Concurrent;

namespace Kms.Actors.Runtime;

/// <summary>The activations of one silo, and the idle collector.</summary>
internal sealed class Catalog(Silo runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    public int Count => _activations.Count;

    public bool TryGet(GrainId grainId, out ActivationData? activation) => _activations.TryGetValue(grainId, out activation);

    /// <summary>Returns the local activation of a grain, creating and starting one if there is none. The caller has
    /// checked that this silo may create activations.</summary>
    public ActivationData GetOrCreate(GrainClass grainClass, GrainId grainId)
    {
        while (true)
        {
            if (_activations.TryGetValue(grainId, out ActivationData? existing))
            {
                return existing;
            }

            var created = new ActivationData(runtime, grainClass, grainId);
            if (_activations.TryAdd(grainId, created))
            {
                created.Start();
                return created;
            }
        }
    }

    public void Remove(ActivationData activation)
        => _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    /// <summary>Deactivates every activation idle for at least <paramref name="age"/>.</summary>
    public int CollectIdle(TimeSpan age)
    {
        int collected = 0;
        foreach (ActivationData activation in _activations.Values)
        {
            if (activation.TryCollect(age))
            {
                collected++;
            }
        }

        return collected;
    }

    /// <summary>Deactivates every activation (graceful shutdown) and waits for them, up to the token.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        while (!_activations.IsEmpty)
        {
            ActivationData[] all = [.. _activations.Values];
            foreach (ActivationData activation in all)
            {
                activation.RequestDeactivation(reason);
            }

            await Task.WhenAll(all.Select(a => a.Stopped)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
