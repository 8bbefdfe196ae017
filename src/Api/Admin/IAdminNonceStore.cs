namespace Kms.Api.Admin;

/// <summary>
/// Remembers the nonces of authenticated admin requests until they expire, so that each signed request is accepted
/// once. The silo implements it cluster-wide over a grain; <see cref="InMemoryAdminNonceStore"/> is the per-silo default.
/// </summary>
public interface IAdminNonceStore
{
    /// <summary>
    /// Records the nonce and returns <see langword="true"/>, or returns <see langword="false"/> when it was used before
    /// (a replay). An implementation that cannot record the nonce (full, unavailable) must throw, never return
    /// <see langword="true"/>: <see cref="InMemoryAdminNonceStore"/> throws a 503 <see cref="ApiProblemException"/>.
    /// </summary>
    /// <param name="keyId">The authenticated admin's key id; nonces are tracked per key.</param>
    /// <param name="nonce">The nonce as sent (base64url text).</param>
    /// <param name="expiresAt">When the request stops being acceptable anyway (timestamp + allowed clock skew); the
    /// store may forget the nonce after that.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<bool> TryUseAsync(string keyId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
