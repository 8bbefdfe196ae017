using System.Security.Cryptography;

namespace Kms.Client.Workloads;

/// <summary>A key or secret the KMS released to this workload, opened; <see cref="Dispose"/> wipes it.</summary>
public sealed class ReleasedSecret : IDisposable
{
    private readonly byte[] _value;

    internal ReleasedSecret(byte[] value, string identity, long version)
    {
        _value = value;
        Identity = identity;
        Version = version;
    }

    /// <summary>The secret bytes (valid until <see cref="Dispose"/>).</summary>
    public ReadOnlySpan<byte> Value => _value;

    /// <summary>The identity the KMS released it to.</summary>
    public string Identity { get; }

    /// <summary>The namespace key epoch (derived keys) or the secret's version (secrets).</summary>
    public long Version { get; }

    /// <inheritdoc/>
    public void Dispose() => CryptographicOperations.ZeroMemory(_value);
}
