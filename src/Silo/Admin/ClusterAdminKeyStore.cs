using Kms.Api.Admin;
using Kms.Grains.Cluster;

namespace Kms.Silo.Admin;

/// <summary>
/// The admins registered in the cluster grain, cached for <see cref="CacheTime"/> so that a burst of admin requests
/// does not queue on it; a change of admins is in force everywhere after at most that long.
/// </summary>
internal sealed class ClusterAdminKeyStore(IGrainFactory grains, TimeProvider time) : IAdminKeyStore
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);

    // One reference, swapped whole: concurrent requests see either the old or the new list, never a torn pair.
    private volatile CacheEntry? _cache;

    public async ValueTask<AdminPublicKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        IReadOnlyList<AdminKey> admins = await AdminsAsync(cancellationToken);
        return admins.FirstOrDefault(a => string.Equals(a.Name, keyId, StringComparison.Ordinal)) is { } admin
            ? new AdminPublicKey(admin.Name, admin.SigningKey)
            : null;
    }

    private async ValueTask<IReadOnlyList<AdminKey>> AdminsAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_cache is { } cache && now - cache.ReadAt < CacheTime)
        {
            return cache.Admins;
        }

        IReadOnlyList<AdminKey> admins = await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).GetAdminsAsync(cancellationToken);
        _cache = new CacheEntry(now, admins);
        return admins;
    }

    private sealed record CacheEntry(DateTimeOffset ReadAt, IReadOnlyList<AdminKey> Admins);
}
