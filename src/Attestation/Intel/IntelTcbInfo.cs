using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>What every Intel PCS "tcbInfo" object states, for SGX and TDX platforms alike.</summary>
public abstract record IntelTcbInfo
{
    protected IntelTcbInfo()
    {
    }

    /// <summary>Reads the members shared by SGX and TDX TCB info from the "tcbInfo" object.</summary>
    [SetsRequiredMembers]
    private protected IntelTcbInfo(JsonElement root, int version)
    {
        Version = version;
        IssueDate = IntelJson.Date(root, "issueDate");
        NextUpdate = IntelJson.Date(root, "nextUpdate");
        Fmspc = IntelJson.Hex(root, "fmspc", 6);
        PceId = IntelJson.Hex(root, "pceId", 2);
        TcbEvaluationDataNumber = IntelJson.Int(root, "tcbEvaluationDataNumber");
    }

    public required int Version { get; init; }

    public required DateTimeOffset IssueDate { get; init; }

    public required DateTimeOffset NextUpdate { get; init; }

    public required byte[] Fmspc { get; init; }

    public required byte[] PceId { get; init; }

    public required int TcbEvaluationDataNumber { get; init; }
}
