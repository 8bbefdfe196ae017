using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>One TCB level of a TDX TCB info (v3): SGX components, PCESVN, TDX components, status and advisories.</summary>
public sealed record TdxTcbLevel(byte[] SgxComponents, ushort PceSvn, byte[] TdxComponents, TcbStatus Status, IReadOnlyList<string> AdvisoryIds);

/// <summary>One TCB level of a TDX module identity: the minimum module ISVSVN for a status.</summary>
public sealed record TdxModuleTcbLevel(byte IsvSvn, TcbStatus Status, IReadOnlyList<string> AdvisoryIds);

/// <summary>A TDX module identity ("TDX_01", ...) from tcbInfo v3 "tdxModuleIdentities".</summary>
public sealed record TdxModuleIdentity(string Id, byte[] MrSigner, byte[] Attributes, byte[] AttributesMask, IReadOnlyList<TdxModuleTcbLevel> TcbLevels);

/// <summary>The "tcbInfo" object of an Intel PCS v4 TDX TCB info response (tcbInfo version 3, id "TDX").</summary>
public sealed record TdxTcbInfo : IntelTcbInfo
{
    public TdxTcbInfo()
    {
    }

    [SetsRequiredMembers]
    private TdxTcbInfo(JsonElement root, int version, TdxModuleIdentity tdxModule, IReadOnlyList<TdxModuleIdentity> tdxModuleIdentities, IReadOnlyList<TdxTcbLevel> tcbLevels)
        : base(root, version)
    {
        TdxModule = tdxModule;
        TdxModuleIdentities = tdxModuleIdentities;
        TcbLevels = tcbLevels;
    }

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
                IntelJson.Components(tcb, "sgxtcbcomponents"),
                (ushort)IntelJson.Int(tcb, "pcesvn", ushort.MaxValue),
                IntelJson.Components(tcb, "tdxtcbcomponents"),
                IntelJson.Status(level),
                IntelJson.Advisories(level)));
        }

        return new TdxTcbInfo(root, version, ReadModule(IntelJson.Get(root, "tdxModule"), "TDX_00", []), identities, tcbLevels);
    }

    private static TdxModuleIdentity ReadModule(JsonElement module, string id, IReadOnlyList<TdxModuleTcbLevel> levels) =>
        new(id, IntelJson.Hex(module, "mrsigner", 48), IntelJson.Hex(module, "attributes", 8), IntelJson.Hex(module, "attributesMask", 8), levels);
}
