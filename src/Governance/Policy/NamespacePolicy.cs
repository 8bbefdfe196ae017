namespace Kms.Governance.Policy;

/// <summary>
/// The body of a threshold-signed namespace policy (schema: Policy/README.md). Immutable once parsed.
/// </summary>
public sealed class NamespacePolicy
{
    /// <summary>The key name in <see cref="KeyAccess"/> that grants access to every key of the namespace.</summary>
    public const string AnyKey = "*";

    private readonly Dictionary<WorkloadIdentity, AllowedIdentity> _identities;
    private readonly Dictionary<string, HashSet<WorkloadIdentity>> _keyAccess;
    private readonly HashSet<WorkloadIdentity> _mayReplicate;

    internal NamespacePolicy(
        string @namespace,
        long serial,
        IReadOnlyList<AllowedIdentity> identities,
        IReadOnlyList<string> operators,
        IReadOnlyDictionary<string, IReadOnlyList<WorkloadIdentity>> keyAccess,
        IReadOnlyList<WorkloadIdentity> mayReplicate)
    {
        Namespace = @namespace;
        Serial = serial;
        Identities = identities;
        Operators = operators;
        KeyAccess = keyAccess;
        MayReplicate = mayReplicate;
        _identities = identities.ToDictionary(i => i.Identity);
        _keyAccess = keyAccess.ToDictionary(p => p.Key, p => p.Value.ToHashSet(), StringComparer.Ordinal);
        _mayReplicate = mayReplicate.ToHashSet();
    }

    /// <summary>The schema version of the body (always 1 for now).</summary>
    public int Version => 1;

    /// <summary>The namespace the policy governs.</summary>
    public string Namespace { get; }

    /// <summary>The serial number; an accepted update always has a strictly greater one.</summary>
    public long Serial { get; }

    /// <summary>The admitted workload identities.</summary>
    public IReadOnlyList<AllowedIdentity> Identities { get; }

    /// <summary>The namespace operators (opaque identifiers, e.g. Ethereum addresses).</summary>
    public IReadOnlyList<string> Operators { get; }

    /// <summary>Which identities may query which keys (key name, or <see cref="AnyKey"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WorkloadIdentity>> KeyAccess { get; }

    /// <summary>The identities that may replicate the namespace's secrets or join as KMS nodes.</summary>
    public IReadOnlyList<WorkloadIdentity> MayReplicate { get; }

    /// <summary>The entry for <paramref name="identity"/>, or <see langword="null"/> when it is not listed.</summary>
    public AllowedIdentity? FindIdentity(WorkloadIdentity identity) =>
        _identities.TryGetValue(identity, out AllowedIdentity? entry) ? entry : null;

    /// <summary>Whether the key-access table lists <paramref name="identity"/> for <paramref name="keyName"/> (or for any key).</summary>
    public bool IsKeyAccessListed(WorkloadIdentity identity, string keyName) =>
        (_keyAccess.TryGetValue(keyName, out HashSet<WorkloadIdentity>? listed) && listed.Contains(identity))
        || (_keyAccess.TryGetValue(AnyKey, out HashSet<WorkloadIdentity>? any) && any.Contains(identity));

    /// <summary>Whether <paramref name="identity"/> may replicate or join.</summary>
    public bool IsReplicationListed(WorkloadIdentity identity) => _mayReplicate.Contains(identity);
}
