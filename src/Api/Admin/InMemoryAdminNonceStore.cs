using Microsoft.Extensions.Options;

namespace Kms.Api.Admin;

/// <summary>
/// Nonces of this silo's admin requests in memory, for tests and single-silo use: bounded by
/// <see cref="AdminAuthenticationOptions.NonceStoreCapacity"/>, expired nonces evicted first. When full of live nonces
/// it fails closed (503) rather than forget one that could still be replayed.
/// </summary>
public sealed class InMemoryAdminNonceStore : IAdminNonceStore
{
    /// <summary>The <c>reason</c> of the 503 problem when the store is full.</summary>
    public const string FullReason = "admin-nonce-store";

    private readonly Dictionary<(string KeyId, string Nonce), DateTimeOffset> _live = [];
    private readonly PriorityQueue<(string KeyId, string Nonce), DateTimeOffset> _byExpiry = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;

    /// <summary>Creates a store with the capacity of the options, on the given clock.</summary>
    public InMemoryAdminNonceStore(IOptions<AdminAuthenticationOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _capacity = options.Value.NonceStoreCapacity;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_capacity, nameof(AdminAuthenticationOptions.NonceStoreCapacity));
        _time = time;
    }

    /// <summary>The number of nonces held now (expired ones included until the next use evicts them).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ApiProblemException">503: the store is full of unexpired nonces.</exception>
    public ValueTask<bool> TryUseAsync(
        string keyId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(nonce);
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            while (_byExpiry.TryPeek(out (string, string) oldest, out DateTimeOffset expiry) && expiry <= now)
            {
                _byExpiry.Dequeue();
                _live.Remove(oldest);
            }

            if (_live.ContainsKey((keyId, nonce)))
            {
                return ValueTask.FromResult(false);
            }

            if (_live.Count >= _capacity)
            {
                throw ApiProblemException.DependencyUnavailable(FullReason,
                    "The server is tracking as many admin requests as it can; retry in a few minutes.");
            }

            _live.Add((keyId, nonce), expiresAt);
            _byExpiry.Enqueue((keyId, nonce), expiresAt);
            return ValueTask.FromResult(true);
        }
    }
}
