using Kms.Api.Admin;
using Kms.Grains.Cluster;

namespace Kms.Silo.Admin;

/// <summary>Nonces of signed admin requests, remembered cluster-wide by one grain per admin.</summary>
internal sealed class ClusterAdminNonceStore(IGrainFactory grains) : IAdminNonceStore
{
    public async ValueTask<bool> TryUseAsync(string keyId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await grains.GetGrain<IAdminNonceGrain>(keyId).TryUseAsync(nonce, expiresAt, cancellationToken);
}
