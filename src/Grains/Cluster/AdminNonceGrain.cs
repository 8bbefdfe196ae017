using Kms.Grains.Storage;

namespace Kms.Grains.Cluster;

/// <summary>Implements <see cref="IAdminNonceGrain"/>: one write per accepted request (admin requests are rare).</summary>
internal sealed class AdminNonceGrain(
    [PersistentState("nonces", GrainStorageNames.Kms)] IPersistentState<AdminNonceState> state,
    TimeProvider time) : Grain, IAdminNonceGrain
{
    /// <summary>The most live nonces one admin may have; more requests within the skew window are refused (fail closed).</summary>
    public const int MaxLiveNonces = 10_000;

    public async Task<bool> TryUseAsync(string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        DateTimeOffset now = time.GetUtcNow();
        foreach (string expired in state.State.Nonces.Where(n => n.Value <= now).Select(n => n.Key).ToArray())
        {
            state.State.Nonces.Remove(expired);
        }

        if (state.State.Nonces.ContainsKey(nonce))
        {
            return false;
        }

        if (state.State.Nonces.Count >= MaxLiveNonces)
        {
            throw new KmsException(KmsErrorKind.Unavailable, "Too many signed admin requests are live for this admin; retry later.");
        }

        state.State.Nonces[nonce] = expiresAt;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        return true;
    }
}

/// <summary>The stored nonces of one admin with their expiry.</summary>
[GenerateSerializer, Alias("Kms.Grains.Cluster.AdminNonceState")]
public sealed class AdminNonceState
{
    /// <summary>Nonce → when it may be forgotten.</summary>
    [Id(0)]
    public Dictionary<string, DateTimeOffset> Nonces { get; set; } = new(StringComparer.Ordinal);
}
