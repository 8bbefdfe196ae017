using System.Diagnostics;
using Kms.Tests.Shared;

namespace Kms.Crypto.Tests.Hpke;

/// <summary>
/// Runs tests/npm/hpke.mjs: the npm <c>@hpke/core</c> implementation of HPKE with DHKEM(X25519, HKDF-SHA256) or with
/// X-Wing (<c>@hpke/hybridkem-x-wing</c>), an independent HPKE to seal to and open from (installed by
/// <c>npm install --prefix tests/npm</c>, as ./test.sh does).
/// </summary>
internal static class HpkeNode
{
    /// <summary>The KEM hpke.mjs uses by default: DHKEM(X25519, HKDF-SHA256).</summary>
    public const string X25519 = "x25519";

    /// <summary>The X-Wing KEM of @hpke/hybridkem-x-wing.</summary>
    public const string XWing = "xwing";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] s_packages = ["core", "dhkem-x25519", "hybridkem-x-wing"];

    /// <summary>The script path, or null when node or the npm packages are not installed.</summary>
    public static string? Script
    {
        get
        {
            if (FoundryTools.RepositoryRoot is null || !IsNodeOnPath())
            {
                return null;
            }

            string folder = Path.Combine(FoundryTools.RepositoryRoot, "tests", "npm");
            // hpke.mjs imports every package, so one missing package breaks every KEM.
            bool installed = s_packages.All(package => Directory.Exists(Path.Combine(folder, "node_modules", "@hpke", package)));
            return installed ? Path.Combine(folder, "hpke.mjs") : null;
        }
    }

    /// <summary>Seals with @hpke/core; returns enc ‖ ciphertext.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, int aeadBits, string kem = X25519) =>
        Convert.FromHexString(Run("seal", recipientPublicKey, info, aad, plaintext, aeadBits, kem).Output);

    /// <summary>Opens with @hpke/core; returns the plaintext, or null when it refuses the message.</summary>
    public static byte[]? TryOpen(ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> sealedMessage, int aeadBits, string kem = X25519)
    {
        (int exitCode, string output) = Run("open", recipientPrivateKey, info, aad, sealedMessage, aeadBits, kem);
        return exitCode == 0 ? Convert.FromHexString(output) : null;
    }

    private static bool IsNodeOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "node")));

    private static (int ExitCode, string Output) Run(string command, ReadOnlySpan<byte> key, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> data, int aeadBits, string kem)
    {
        string script = Script ?? throw new InvalidOperationException("node or the @hpke packages are not installed: install node and run `npm install --prefix tests/npm`.");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { script, command, Convert.ToHexStringLower(key), Convert.ToHexStringLower(info), Convert.ToHexStringLower(aad), Convert.ToHexStringLower(data), aeadBits.ToString(System.Globalization.CultureInfo.InvariantCulture), kem })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node hpke.mjs {command} did not finish within {s_timeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0 && command == "seal")
        {
            throw new InvalidOperationException($"node hpke.mjs seal failed ({process.ExitCode}): {error.Result}");
        }

        return (process.ExitCode, output.Result.Trim());
    }
}

/// <summary>A fact that needs the @hpke packages: skipped when they are not installed, except with CI=true, where it runs and fails.</summary>
public sealed class RequiresHpkeNodeFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the npm packages are missing outside CI.</summary>
    public RequiresHpkeNodeFactAttribute()
    {
        if (!FoundryTools.IsCi && HpkeNode.Script is null)
        {
            Skip = "node, or @hpke/core, @hpke/dhkem-x25519 or @hpke/hybridkem-x-wing, not found: install node and run `npm install --prefix tests/npm` (./test.sh does). With CI=true this test fails instead.";
        }
    }
}
