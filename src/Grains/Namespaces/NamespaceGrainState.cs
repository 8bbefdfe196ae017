namespace Kms.Grains.Namespaces;

/// <summary>The stored state of a namespace; the storage serializer seals it, namespace keys included.</summary>
[GenerateSerializer, Alias("Kms.Grains.Namespaces.NamespaceGrainState")]
public sealed class NamespaceGrainState
{
    /// <summary>Whether the namespace was created.</summary>
    [Id(0)]
    public bool Exists { get; set; }

    /// <summary>Who governs admission.</summary>
    [Id(1)]
    public NamespaceGovernance Governance { get; set; }

    /// <summary>The evidence policy.</summary>
    [Id(2)]
    public NamespacePolicy Policy { get; set; } = new([], false, []);

    /// <summary>When it was created: also the CA certificate's start of validity, so the CA can be rebuilt byte for byte.</summary>
    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The epoch of the namespace key in force.</summary>
    [Id(4)]
    public long KeyEpoch { get; set; }

    /// <summary>Namespace keys by epoch: the one in force and epoch 0 (the CA's).</summary>
    [Id(5)]
    public Dictionary<long, byte[]> NamespaceKeys { get; set; } = [];

    /// <summary>The namespace CA certificate (DER).</summary>
    [Id(6)]
    public byte[] CaCertificate { get; set; } = [];

    /// <summary>The measurement registry by identity.</summary>
    [Id(7)]
    public Dictionary<string, MeasurementRecord> Measurements { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Who signs the policy documents (policy-document governance only).</summary>
    [Id(8)]
    public PolicySigners? PolicySigners { get; set; }

    /// <summary>The signed policy document in force (envelope JSON as accepted), or <see langword="null"/> before the first.</summary>
    [Id(9)]
    public byte[]? PolicyEnvelope { get; set; }

    /// <summary>The serial of <see cref="PolicyEnvelope"/>.</summary>
    [Id(10)]
    public long? PolicySerial { get; set; }
}
