using System.Text.Json;
using Kms.Governance.JsonRpc;

namespace Kms.Governance.Contracts;

/// <summary>A compiled contract as infra/contracts/scripts/compile.js writes it: name, ABI JSON and creation bytecode.</summary>
public sealed record ContractArtifact(string ContractName, JsonElement Abi, byte[] Bytecode)
{
    /// <summary>Reads an artifact file (out/&lt;Contract&gt;.json).</summary>
    /// <exception cref="FormatException">The file is not JSON or not an artifact.</exception>
    public static ContractArtifact Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            string name = root.GetProperty("contractName").GetString()
                ?? throw new FormatException("The contract name is null.");
            return new ContractArtifact(name, root.GetProperty("abi").Clone(), HexConvert.ParseData(root.GetProperty("bytecode").GetString()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"'{path}' is not a contract artifact.", ex);
        }
    }

    /// <summary>The canonical signatures of the ABI's functions, events or errors (<paramref name="kind"/>).</summary>
    public IReadOnlyList<string> Signatures(string kind) => Abi.EnumerateArray()
        .Where(e => e.GetProperty("type").GetString() == kind)
        .Select(e => e.GetProperty("name").GetString() + "(" + string.Join(",", e.GetProperty("inputs").EnumerateArray().Select(CanonicalType)) + ")")
        .ToArray();

    private static string CanonicalType(JsonElement parameter)
    {
        string type = parameter.GetProperty("type").GetString()!;
        return type.StartsWith("tuple", StringComparison.Ordinal)
            ? "(" + string.Join(",", parameter.GetProperty("components").EnumerateArray().Select(CanonicalType)) + ")" + type["tuple".Length..]
            : type;
    }
}
