using System.Diagnostics;

namespace Kms.Governance.Tests.Contracts;

/// <summary>
/// Locates what the chain tests need: anvil and cast from <c>npm install --prefix infra/contracts</c> (or KMS_ANVIL / KMS_CAST)
/// and the compiled contracts from <c>npm run --prefix infra/contracts build</c> (infra/contracts/out).
/// </summary>
internal static class Foundry
{
    public static string? RepositoryRoot { get; } = FindRoot();

    public static string? Anvil => Find("anvil");

    public static string? Cast => Find("cast");

    public static string? ArtifactPath(string contract) =>
        RepositoryRoot is null ? null : Path.Combine(RepositoryRoot, "infra", "contracts", "out", contract + ".json");

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

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string RunCast(params string[] args)
    {
        string path = Cast ?? throw new InvalidOperationException(MissingReason());
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cast {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.Trim();
    }

    private static string? Find(string tool)
    {
        string? fromEnv = Environment.GetEnvironmentVariable("KMS_" + tool.ToUpperInvariant());
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv) ? fromEnv : null;
        }

        if (RepositoryRoot is null)
        {
            return null;
        }

        string modules = Path.Combine(RepositoryRoot, "infra", "contracts", "node_modules");
        // Prefer the native binary: the .bin shim is a node wrapper, and killing it could orphan the real process.
        string native = Path.Combine(modules, "@foundry-rs", tool + "-linux-amd64", "bin", tool);
        if (File.Exists(native))
        {
            return native;
        }

        string shim = Path.Combine(modules, ".bin", tool);
        return File.Exists(shim) ? shim : null;
    }

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Kms.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
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

/// <summary>A fact that needs only the cast CLI (same skip/fail rule as <see cref="RequiresAnvilFactAttribute"/>).</summary>
public sealed class RequiresCastFactAttribute : FactAttribute
{
    public RequiresCastFactAttribute()
    {
        if (!Foundry.IsCi && Foundry.Cast is null)
        {
            Skip = "cast not found (npm install --prefix infra/contracts, or set KMS_CAST). With CI=true this test fails instead.";
        }
    }
}
