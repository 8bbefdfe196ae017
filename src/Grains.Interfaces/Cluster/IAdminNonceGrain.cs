namespace Kms.Grains.Cluster;

/// <summary>
/// The nonces of one admin's signed requests (key: the admin's key id), kept until they expire, so that a signed request
/// is accepted once in the whole cluster, whichever silo receives it.
/// </summary>
[Alias("Kms.Grains.Cluster.IAdminNonceGrain")]
public interface IAdminNonceGrain : IGrainWithStringKey
{
    /// <summary>Records the nonce; <see langword="false"/> when it was used before.</summary>
    /// <exception cref="KmsException">Too many live nonces (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("TryUse")]
    Task<bool> TryUseAsync(string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}
