using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>One TCB level of a TDX TCB info (v3): SGX components, PCESVN, TDX components, status and advisories.</summary>
public sealed record TdxTcbLevel(byte[] SgxComponents, ushort PceSvn, byte[] TdxComponents, TcbStatus Status, IReadOnlyList<string> AdvisoryIds);

/// <summary>One TCB level of a TDX module identity: the minimum module ISVSVN for a status.</summary>
public sealed record TdxModuleTcbLevel(byte IsvSvn, TcbStatus Status, IReadOnlyList<string> AdvisoryIds);

/// <summary>A TDX module identity ("TDX_01", ...) from tcbInfo v3 "tdxModuleIdentities".</summary>
public sealed record TdxModuleIdentity(string Id, byte[] MrSigner, byte[] Attributes, byte[] AttributesMask, IReadOnlyList<TdxModuleTcbLevel> TcbLevels);

/// <summary>The "tcbInfo" object of an Intel PCS v4 TDX TCB info response (tcbInfo version 3, id "TDX").</summary>
public sealed record TdxTcbInfo
{
    public required int Version { get; init; }

    public required DateTimeOffset IssueDate { get; init; }

    public required DateTimeOffset NextUpdate { get; init; }

    public required byte[] Fmspc { get; init; }

    public required byte[] PceId { get; init; }

    public required int TcbEvaluationDataNumber { get; init; }

    /// <summary>The "tdxModule" object: the identity of TDX modules with major version 0.</summary>
    public required TdxModuleIdentity TdxModule { get; init; }

    public required IReadOnlyList<TdxModuleIdentity> TdxModuleIdentities { get; init; }

    public required IReadOnlyList<TdxTcbLevel> TcbLevels { get; init; }

    /// <summary>Parses the raw bytes of the "tcbInfo" JSON object.</summary>
    public static TdxTcbInfo Parse(ReadOnlyMemory<byte> tcbInfoJson)
    {
        using JsonDocument document = IntelJson.ParseDocument(tcbInfoJson, "TCB info");
        JsonElement root = document.RootElement;
        string id = IntelJson.String(root, "id");
        int version = IntelJson.Int(root, "version");
        if (id != "TDX" || version != 3)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TCB info '{id}' version {version} is not supported (TDX version 3 is).");
        }

        List<TdxModuleIdentity> identities = [];
        if (IntelJson.TryGet(root, "tdxModuleIdentities", out _))
        {
            foreach (JsonElement identity in IntelJson.Array(root, "tdxModuleIdentities"))
            {
                List<TdxModuleTcbLevel> levels = [];
                foreach (JsonElement level in IntelJson.Array(identity, "tcbLevels"))
                {
                    levels.Add(new TdxModuleTcbLevel(
                        (byte)IntelJson.Int(IntelJson.Get(level, "tcb"), "isvsvn", byte.MaxValue),
                        IntelJson.Status(level),
                        IntelJson.Advisories(level)));
                }

                identities.Add(ReadModule(identity, IntelJson.String(identity, "id"), levels));
            }
        }

        List<TdxTcbLevel> tcbLevels = [];
        foreach (JsonElement level in IntelJson.Array(root, "tcbLevels"))
        {
            JsonElement tcb = IntelJson.Get(level, "tcb");
            tcbLevels.Add(new TdxTcbLevel(
                ReadComponents(tcb, "sgxtcbcomponents"),
                (ushort)IntelJson.Int(tcb, "pcesvn", ushort.MaxValue),
                ReadComponents(tcb, "tdxtcbcomponents"),
                IntelJson.Status(level),
                IntelJson.Advisories(level)));
        }

        return new TdxTcbInfo
        {
            Version = version,
            IssueDate = IntelJson.Date(root, "issueDate"),
            NextUpdate = IntelJson.Date(root, "nextUpdate"),
            Fmspc = IntelJson.Hex(root, "fmspc", 6),
            PceId = IntelJson.Hex(root, "pceId", 2),
            TcbEvaluationDataNumber = IntelJson.Int(root, "tcbEvaluationDataNumber"),
            TdxModule = ReadModule(IntelJson.Get(root, "tdxModule"), "TDX_00", []),
            TdxModuleIdentities = identities,
            TcbLevels = tcbLevels,
        };
    }

    private static TdxModuleIdentity ReadModule(JsonElement module, string id, IReadOnlyList<TdxModuleTcbLevel> levels) =>
        new(id, IntelJson.Hex(module, "mrsigner", 48), IntelJson.Hex(module, "attributes", 8), IntelJson.Hex(module, "attributesMask", 8), levels);

    private static byte[] ReadComponents(JsonElement tcb, string name)
    {
        byte[] svns = new byte[16];
        int count = 0;
        foreach (JsonElement component in IntelJson.Array(tcb, name))
        {
            if (count == 16)
            {
                throw AttestationException.Malformed($"'{name}' has more than 16 components.");
            }

            svns[count++] = (byte)IntelJson.Int(component, "svn", byte.MaxValue);
        }

        return count == 16 ? svns : throw AttestationException.Malformed($"'{name}' has {count} components, not 16.");
    }
}
