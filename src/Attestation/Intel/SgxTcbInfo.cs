using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>One TCB level of an SGX TCB info: SGX TCB component SVNs 1..16, PCESVN, status and advisories.</summary>
public sealed record SgxTcbLevel(byte[] SgxComponents, ushort PceSvn, TcbStatus Status, IReadOnlyList<string> AdvisoryIds);

/// <summary>
/// The "tcbInfo" object of an Intel PCS SGX TCB info response: version 2 (PCS v3 API; components as
/// "sgxtcbcomp01svn".."sgxtcbcomp16svn", no id) or version 3 (PCS v4 API; id "SGX", components as a
/// "sgxtcbcomponents" array).
/// </summary>
public sealed record SgxTcbInfo : IntelTcbInfo
{
    public SgxTcbInfo()
    {
    }

    [SetsRequiredMembers]
    private SgxTcbInfo(JsonElement root, int version, IReadOnlyList<SgxTcbLevel> tcbLevels)
        : base(root, version)
    {
        TcbLevels = tcbLevels;
    }

    /// <summary>The platform TCB levels, highest first (as Intel orders them).</summary>
    public required IReadOnlyList<SgxTcbLevel> TcbLevels { get; init; }

    /// <summary>Parses the raw bytes of the "tcbInfo" JSON object.</summary>
    public static SgxTcbInfo Parse(ReadOnlyMemory<byte> tcbInfoJson)
    {
        using JsonDocument document = IntelJson.ParseDocument(tcbInfoJson, "TCB info");
        JsonElement root = document.RootElement;
        int version = IntelJson.Int(root, "version");
        string? id = IntelJson.TryGet(root, "id", out _) ? IntelJson.String(root, "id") : null;
        bool supported = version switch
        {
            2 => id is null,
            3 => id == "SGX",
            _ => false,
        };
        if (!supported)
        {
            throw new AttestationException(
                AttestationFailureKind.UnsupportedVersion,
                $"TCB info '{AttestationException.Printable(id)}' version {version} is not supported (SGX version 2 without id, and version 3 with id SGX, are).");
        }

        int tcbType = IntelJson.Int(root, "tcbType");
        if (tcbType != 0)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"TCB info tcbType {tcbType} is not supported (0 is).");
        }

        List<SgxTcbLevel> levels = [];
        foreach (JsonElement level in IntelJson.Array(root, "tcbLevels"))
        {
            JsonElement tcb = IntelJson.Get(level, "tcb");
            levels.Add(new SgxTcbLevel(
                version == 2 ? ReadV2Components(tcb) : IntelJson.Components(tcb, "sgxtcbcomponents"),
                (ushort)IntelJson.Int(tcb, "pcesvn", ushort.MaxValue),
                IntelJson.Status(level),
                IntelJson.Advisories(level)));
        }

        return new SgxTcbInfo(root, version, levels);
    }

    private static byte[] ReadV2Components(JsonElement tcb)
    {
        byte[] svns = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            svns[i] = (byte)IntelJson.Int(tcb, string.Create(CultureInfo.InvariantCulture, $"sgxtcbcomp{i + 1:D2}svn"), byte.MaxValue);
        }

        return svns;
    }
}
