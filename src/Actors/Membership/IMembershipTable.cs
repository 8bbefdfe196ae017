namespace Kms.Actors.Membership;

/// <summary>The cluster membership table, shaped like Orleans' <c>IMembershipTable</c> so that the PostgreSQL
/// implementation maps onto the <c>OrleansMembershipVersionTable</c>/<c>OrleansMembershipTable</c> schema: inserts
/// and updates atomically bump the table version and fail (return <see langword="false"/>) if the expected table
/// version or row ETag does not match; heartbeats are plain writes that bump nothing.</summary>
public interface IMembershipTable
{
    /// <summary>Reads every row and the table version in one consistent snapshot.</summary>
    Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Inserts a row if no row has its address and the table version equals
    /// <paramref name="expectedTableVersion"/>; bumps the table version.</summary>
    Task<bool> InsertRowAsync(MembershipEntry entry, long expectedTableVersion, CancellationToken cancellationToken);

    /// <summary>Replaces a row if its ETag equals <paramref name="etag"/> and the table version equals
    /// <paramref name="expectedTableVersion"/>; bumps the table version and the row ETag.</summary>
    Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long expectedTableVersion, CancellationToken cancellationToken);

    /// <summary>Writes the heartbeat time of a row without any version change.</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken);
}

/// <summary>Membership in process memory: for the embedded single-silo default and for TestCluster, whose silos
/// share one instance.</summary>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, (MembershipEntry Entry, long ETag)> _rows = [];
    private long _version;

    /// <summary>Raised after every successful insert or update (not heartbeats), so that co-hosted silos refresh at
    /// once instead of at their next refresh period.</summary>
    public event Action? Changed;

    /// <inheritdoc/>
    public Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(new MembershipTableSnapshot(
                _version,
                [.. _rows.Values.Select(r => new VersionedMembershipEntry(r.Entry, r.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture)))]));
        }
    }

    /// <inheritdoc/>
    public Task<bool> InsertRowAsync(MembershipEntry entry, long expectedTableVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_version != expectedTableVersion || _rows.ContainsKey(entry.Address))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Address] = (entry, 1);
            _version++;
        }

        Changed?.Invoke();
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long expectedTableVersion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_version != expectedTableVersion || !_rows.TryGetValue(entry.Address, out var row)
                || row.ETag.ToString(System.Globalization.CultureInfo.InvariantCulture) != etag)
            {
                return Task.FromResult(false);
            }

            _rows[entry.Address] = (entry, row.ETag + 1);
            _version++;
        }

        Changed?.Invoke();
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset time, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(silo, out var row))
            {
                _rows[silo] = (row.Entry with { IAmAliveTime = time }, row.ETag);
            }
        }

        return Task.CompletedTask;
    }
}
