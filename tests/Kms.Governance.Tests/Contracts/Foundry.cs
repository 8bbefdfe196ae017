using Kms.Tests.Shared;

namespace Kms.Governance.Tests.Contracts;

/// <summary>
/// What the chain tests need beyond <see cref="FoundryTools"/>: anvil and cast, and the compiled contracts from
/// <c>npm run --prefix infra/contracts build</c> (infra/contracts/out).
/// </summary>
internal static class Foundry
{
    public static string? Anvil => FoundryTools.Find("anvil");

    public static string? Cast => FoundryTools.Find("cast");

    public static bool IsCi => FoundryTools.IsCi;

    public static string? ArtifactPath(string contract) =>
        FoundryTools.RepositoryRoot is not { } root ? null : Path.Combine(root, "infra", "contracts", "out", contract + ".json");

    /// <summary>Why the chain tests cannot run here, or null when everything is present.</summary>
    public static string? MissingReason()
    {
        var missing = new List<string>();
        if (Anvil is null)
        {
            missing.Add("anvil (npm install --prefix infra/contracts, or set KMS_ANVIL)");
        }

        if (Cast is null)
        {
            missing.Add("cast (npm install --prefix infra/contracts, or set KMS_CAST)");
        }

        foreach (string contract in new[] { "KmsGovernance", "AppRegistry" })
        {
            if (ArtifactPath(contract) is not { } path || !File.Exists(path))
            {
                missing.Add($"infra/contracts/out/{contract}.json (npm run --prefix infra/contracts build)");
            }
        }

        return missing.Count == 0 ? null : "Missing: " + string.Join("; ", missing);
    }

    public static string RunCast(params string[] arguments) => FoundryTools.Run("cast", arguments);
}

/// <summary>
/// A fact that needs anvil, cast and the compiled contracts. Skipped with the reason when they are missing,
/// except with CI=true, where the test runs and fails with that reason (CI must install them).
/// </summary>
public sealed class RequiresAnvilFactAttribute : FactAttribute
{
    public RequiresAnvilFactAttribute()
    {
        if (!Foundry.IsCi && Foundry.MissingReason() is { } reason)
        {
            Skip = reason + ". With CI=true these tests fail instead of being skipped.";
        }
    }
}
