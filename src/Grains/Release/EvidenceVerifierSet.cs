using Kms.Attestation;

namespace Kms.Grains.Release;

/// <summary>The evidence verifiers this silo runs, by evidence type (the host registers <see cref="IEvidenceVerifier"/>s).</summary>
public sealed class EvidenceVerifierSet
{
    private readonly Dictionary<string, IEvidenceVerifier> _verifiers;

    /// <summary>Collects the registered verifiers.</summary>
    /// <exception cref="ArgumentException">Two verifiers claim one evidence type.</exception>
    public EvidenceVerifierSet(IEnumerable<IEvidenceVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        _verifiers = new Dictionary<string, IEvidenceVerifier>(StringComparer.Ordinal);
        foreach (IEvidenceVerifier verifier in verifiers)
        {
            if (!_verifiers.TryAdd(verifier.EvidenceType, verifier))
            {
                throw new ArgumentException($"Two verifiers are registered for evidence type '{verifier.EvidenceType}'.", nameof(verifiers));
            }
        }
    }

    /// <summary>The evidence types accepted, sorted.</summary>
    public IReadOnlyList<string> EvidenceTypes => _verifiers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The verifier of <paramref name="evidenceType"/>.</summary>
    /// <exception cref="KmsException">No verifier for it runs here (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public IEvidenceVerifier Get(string evidenceType) =>
        evidenceType is not null && _verifiers.TryGetValue(evidenceType, out IEvidenceVerifier? verifier)
            ? verifier
            : throw new KmsException(
                KmsErrorKind.MalformedInput,
                $"Evidence of this type is not accepted here (accepted: {string.Join(", ", EvidenceTypes)}).");
}
