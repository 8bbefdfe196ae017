namespace Kms.Governance.Service;

/// <summary>A stored signed policy envelope and its serial.</summary>
/// <param name="Serial">The serial of the policy inside.</param>
/// <param name="Envelope">The signed envelope as accepted (UTF-8 JSON).</param>
public sealed record StoredPolicy(long Serial, byte[] Envelope);

/// <summary>Durable storage of the signed policy in force per namespace.</summary>
public interface IPolicyStore
{
    /// <summary>The stored policy of <paramref name="namespace"/>, or <see langword="null"/>.</summary>
    Task<StoredPolicy?> LoadAsync(string @namespace, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="policy"/> only if the stored serial is still <paramref name="expectedSerial"/>
    /// (<see langword="null"/> = nothing stored yet). Returns false when another writer got there first.
    /// </summary>
    Task<bool> TryReplaceAsync(string @namespace, long? expectedSerial, StoredPolicy policy, CancellationToken cancellationToken);
}

/// <summary>An in-memory <see cref="IPolicyStore"/> (tests and the embedded single-process mode).</summary>
public sealed class InMemoryPolicyStore : IPolicyStore
{
    private readonly Dictionary<string, StoredPolicy> _policies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc/>
    public Task<StoredPolicy?> LoadAsync(string @namespace, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_policies.TryGetValue(@namespace, out StoredPolicy? stored) ? stored : null);
        }
    }

    /// <inheritdoc/>
    public Task<bool> TryReplaceAsync(string @namespace, long? expectedSerial, StoredPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            long? current = _policies.TryGetValue(@namespace, out StoredPolicy? stored) ? stored.Serial : null;
            if (current != expectedSerial)
            {
                return Task.FromResult(false);
            }

            _policies[@namespace] = new StoredPolicy(policy.Serial, (byte[])policy.Envelope.Clone());
            return Task.FromResult(true);
        }
    }

    /// <summary>Overwrites a namespace's stored envelope without checks (tests: simulate a tampered store).</summary>
    internal void Overwrite(string @namespace, StoredPolicy policy)
    {
        lock (_gate)
        {
            _policies[@namespace] = policy;
        }
    }
}
