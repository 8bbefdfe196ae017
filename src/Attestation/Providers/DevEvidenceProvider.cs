using System.Security.Cryptography;
using Kms.Attestation.Dev;

namespace Kms.Attestation.Providers;

/// <summary>
/// Dev evidence (<see cref="DevEvidence"/>) signed with a dev key: for local use against a <c>--dev</c> silo, which
/// trusts only the dev key it generated. Never evidence of a TEE.
/// </summary>
public sealed class DevEvidenceProvider : IEvidenceProvider, IDisposable
{
    private readonly ECDsa _signingKey;
    private readonly IReadOnlyDictionary<string, byte[]> _measurements;

    /// <param name="signingKey">The P-256 dev evidence key; the provider owns and disposes it.</param>
    /// <param name="measurements">The measurement registers the evidence claims ("rtmr0", …).</param>
    public DevEvidenceProvider(ECDsa signingKey, IReadOnlyDictionary<string, byte[]> measurements)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(measurements);
        _signingKey = signingKey;
        _measurements = measurements.ToDictionary(m => m.Key, m => m.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public string EvidenceType => "dev";

    /// <inheritdoc/>
    public Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(DevEvidence.Create(_signingKey, _measurements, reportData.Span));
    }

    /// <inheritdoc/>
    public void Dispose() => _signingKey.Dispose();
}
