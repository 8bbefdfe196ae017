using System.Diagnostics;

namespace Kms.Crypto.Tests.Ethereum;

/// <summary>
/// Locates the foundry binaries installed by <c>npm install --prefix infra/contracts</c> (or KMS_CAST / KMS_ANVIL) and runs them.
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

    public static string Run(string tool, params string[] args)
    {
        string path = Find(tool) ?? throw new InvalidOperationException($"{tool} not found: run `npm install --prefix infra/contracts` (or set KMS_{tool.ToUpperInvariant()}).");
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}");
        }

        return stdout.Trim();
    }
}

/// <summary>
/// A fact that needs the foundry <c>cast</c> CLI: skipped with a clear message when it is missing, but FAILS when
/// CI=true (CI must install it with <c>npm install --prefix infra/contracts</c>).
/// </summary>
public sealed class RequiresCastFactAttribute : FactAttribute
{
    public RequiresCastFactAttribute()
    {
        if (FoundryTool.Find("cast") is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "cast not found: run `npm install --prefix infra/contracts` (or set KMS_CAST). With CI=true this test fails instead.";
        }
    }
}
