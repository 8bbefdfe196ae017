using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>One TCB level of a QE identity: the minimum ISVSVN for a status.</summary>
public sealed record EnclaveTcbLevel(ushort IsvSvn, TcbStatus Status, IReadOnlyList<string> AdvisoryIds);

/// <summary>The "enclaveIdentity" object of an Intel PCS v4 QE identity response (version 2; "TD_QE" for TDX).</summary>
public sealed record EnclaveIdentity
{
    public required string Id { get; init; }

    public required DateTimeOffset IssueDate { get; init; }

    public required DateTimeOffset NextUpdate { get; init; }

    public required uint MiscSelect { get; init; }

    public required uint MiscSelectMask { get; init; }

    public required byte[] Attributes { get; init; }

    public required byte[] AttributesMask { get; init; }

    public required byte[] MrSigner { get; init; }

    public required ushort IsvProdId { get; init; }

    public required IReadOnlyList<EnclaveTcbLevel> TcbLevels { get; init; }

    /// <summary>Parses the raw bytes of the "enclaveIdentity" JSON object.</summary>
    public static EnclaveIdentity Parse(ReadOnlyMemory<byte> json)
    {
        using JsonDocument document = IntelJson.ParseDocument(json, "QE identity");
        JsonElement root = document.RootElement;
        string id = IntelJson.String(root, "id");
        int version = IntelJson.Int(root, "version");
        if (version != 2)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"QE identity version {version} is not supported (2 is).");
        }

        List<EnclaveTcbLevel> levels = [];
        foreach (JsonElement level in IntelJson.Array(root, "tcbLevels"))
        {
            levels.Add(new EnclaveTcbLevel(
                (ushort)IntelJson.Int(IntelJson.Get(level, "tcb"), "isvsvn", ushort.MaxValue),
                IntelJson.Status(level),
                IntelJson.Advisories(level)));
        }

        return new EnclaveIdentity
        {
            Id = id,
            IssueDate = IntelJson.Date(root, "issueDate"),
            NextUpdate = IntelJson.Date(root, "nextUpdate"),
            MiscSelect = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(IntelJson.Hex(root, "miscselect", 4)),
            MiscSelectMask = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(IntelJson.Hex(root, "miscselectMask", 4)),
            Attributes = IntelJson.Hex(root, "attributes", 16),
            AttributesMask = IntelJson.Hex(root, "attributesMask", 16),
            MrSigner = IntelJson.Hex(root, "mrsigner", 32),
            IsvProdId = (ushort)IntelJson.Int(root, "isvprodid", ushort.MaxValue),
            TcbLevels = levels,
        };
    }
}
