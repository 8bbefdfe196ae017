using System.Globalization;

namespace Kms.Governance.JsonRpc;

/// <summary>A block selector for state reads: a named tag or a block number.</summary>
public readonly record struct BlockTag
{
    private readonly string _value;

    private BlockTag(string value) => _value = value;

    /// <summary>The most recent block.</summary>
    public static BlockTag Latest { get; } = new("latest");

    /// <summary>The pending state (includes transactions in the pool).</summary>
    public static BlockTag Pending { get; } = new("pending");

    /// <summary>The latest safe head.</summary>
    public static BlockTag Safe { get; } = new("safe");

    /// <summary>The latest finalized block.</summary>
    public static BlockTag Finalized { get; } = new("finalized");

    /// <summary>The genesis block.</summary>
    public static BlockTag Earliest { get; } = new("earliest");

    /// <summary>A specific block number.</summary>
    public static BlockTag Number(ulong number) => new("0x" + number.ToString("x", CultureInfo.InvariantCulture));

    /// <summary>The JSON-RPC form ("latest", "0x1b4", …).</summary>
    public override string ToString() => _value ?? "latest";
}
