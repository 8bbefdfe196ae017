using System.Diagnostics;

namespace Kms.Governance.Tests;

/// <summary>
/// Locates the foundry binaries (cast, anvil): KMS_CAST / KMS_ANVIL, else infra/contracts/node_modules
/// (installed with <c>npm ci --prefix infra/contracts</c>).
/// </summary>
internal static class FoundryTool
{
    public static string? Find(string tool)
    {
        string? fromEnv = Environment.GetEnvironmentVariable("KMS_" + tool.ToUpperInvariant());
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Kms.sln")))
            {
                string modules = Path.Combine(dir.FullName, "infra", "contracts", "node_modules");
                string native = Path.Combine(modules, "@foundry-rs", tool + "-linux-amd64", "bin", tool);
                if (File.Exists(native))
                {
                    return native;
                }

                string shim = Path.Combine(modules, ".bin", tool);
                return File.Exists(shim) ? shim : null;
            }
        }

        return null;
    }

    public static bool IsRequired => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Run(string tool, params string[] args)
    {
        string path = Find(tool) ?? throw new InvalidOperationException($"{tool} not found");
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
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.Trim();
    }
}

/// <summary>A fact that needs a foundry tool: skipped when it is missing, but FAILS when CI=true.</summary>
public sealed class RequiresFoundryFactAttribute : FactAttribute
{
    public RequiresFoundryFactAttribute(string tool)
    {
        if (FoundryTool.Find(tool) is null && !FoundryTool.IsRequired)
        {
            Skip = $"{tool} not found: run `npm ci --prefix infra/contracts` (or set KMS_{tool.ToUpperInvariant()}). With CI=true this test fails instead.";
        }
    }
}
