namespace Kms.Grains.Secrets;

/// <summary>
/// One secret of a namespace (key <c>"&lt;namespace&gt;/&lt;name&gt;"</c>): set by an admin, released only to admitted
/// workloads, sealed to their key, by the release worker. The value is kept in grain state, which the storage layer
/// seals like every state.
/// </summary>
[Alias("Kms.Grains.Secrets.INamespaceSecretGrain")]
public interface INamespaceSecretGrain : IGrainWithStringKey
{
    /// <summary>Sets a new version of the secret (1 to <see cref="SecretLimits.MaxValueBytes"/> bytes).</summary>
    [Alias("Put")]
    Task<SecretVersionInfo> PutAsync(byte[] value, string admin, CancellationToken cancellationToken = default);

    /// <summary>The current version's metadata, never the value.</summary>
    /// <exception cref="KmsException">No such secret (<see cref="KmsErrorKind.NotFound"/>).</exception>
    [Alias("GetInfo")]
    Task<SecretVersionInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>The current value, for the release worker only (it seals it to the admitted workload's key).</summary>
    [Alias("Read")]
    Task<SecretValue> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the secret; later releases find none.</summary>
    [Alias("Delete")]
    Task DeleteAsync(string admin, CancellationToken cancellationToken = default);
}

/// <summary>Limits of namespace secrets.</summary>
public static class SecretLimits
{
    /// <summary>The largest secret value.</summary>
    public const int MaxValueBytes = 64 * 1024;
}

/// <summary>A secret version's metadata.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Secrets.SecretVersionInfo")]
public sealed record SecretVersionInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] string UpdatedBy,
    [property: Id(4)] int Length);

/// <summary>A secret's value with its version; the holder wipes it after use.</summary>
[GenerateSerializer, Alias("Kms.Grains.Secrets.SecretValue")]
public sealed record SecretValue([property: Id(0)] int Version, [property: Id(1)] byte[] Value);
