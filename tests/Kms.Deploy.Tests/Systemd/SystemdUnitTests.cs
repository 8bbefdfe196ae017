using System.Globalization;
using System.Text.RegularExpressions;

namespace Kms.Deploy.Tests.Systemd;

/// <summary>infra/systemd/kms-silo.service: systemd's own checks (verify, and the offline security score) and the
/// hardening this deployment relies on.</summary>
public sealed partial class SystemdUnitTests
{
    /// <summary>The highest exposure score accepted (systemd-analyze security: 0 = locked down, 10 = unprotected).</summary>
    private const double MaxExposure = 2.0;

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex ExposureLine();

    [RequiresToolFact("systemd-analyze", "systemd")]
    public async Task Verify_reports_nothing()
    {
        using var directory = new TempDirectory();

        ToolResult result = await VerifyAsync(directory.Path, await File.ReadAllTextAsync(RepoPaths.SystemdUnit));

        // verify exits 0 on unknown keys and bad values and only prints them: any output fails.
        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0 && result.StandardOutput.Trim().Length == 0, result.ToString());
    }

    [RequiresToolFact("systemd-analyze", "systemd")]
    public async Task Verify_catches_a_misspelt_setting()
    {
        using var directory = new TempDirectory();
        string unit = (await File.ReadAllTextAsync(RepoPaths.SystemdUnit)).Replace("ProtectSystem=strict", "ProtectSytem=strict", StringComparison.Ordinal);

        ToolResult result = await VerifyAsync(directory.Path, unit);

        Assert.Contains("ProtectSytem", result.StandardError, StringComparison.Ordinal);
    }

    [RequiresToolFact("systemd-analyze", "systemd")]
    public async Task The_exposure_score_is_at_most_the_threshold()
    {
        using var directory = new TempDirectory();

        (double exposure, ToolResult result) = await SecurityAsync(directory.Path, await File.ReadAllTextAsync(RepoPaths.SystemdUnit));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.InRange(exposure, 0, MaxExposure);
    }

    [RequiresToolFact("systemd-analyze", "systemd")]
    public async Task An_unhardened_unit_fails_the_threshold()
    {
        using var directory = new TempDirectory();
        string plain = "[Unit]\nDescription=unhardened\n\n[Service]\nType=exec\nExecStart=/opt/kms/kms-silo\n";

        (double exposure, ToolResult result) = await SecurityAsync(directory.Path, plain);

        Assert.NotEqual(0, result.ExitCode);
        Assert.True(exposure > MaxExposure, result.ToString());
    }

    [Fact]
    public async Task The_unit_has_the_hardening_the_deployment_relies_on()
    {
        UnitFile unit = UnitFile.Parse(await File.ReadAllTextAsync(RepoPaths.SystemdUnit));

        Assert.Equal("yes", unit.Single("DynamicUser"));
        Assert.Equal("strict", unit.Single("ProtectSystem"));
        Assert.Equal("yes", unit.Single("ProtectHome"));
        Assert.Equal("yes", unit.Single("PrivateTmp"));
        Assert.Equal("yes", unit.Single("NoNewPrivileges"));
        Assert.Equal("", unit.Single("CapabilityBoundingSet"));
        Assert.Equal("", unit.Single("AmbientCapabilities"));
        Assert.Equal("closed", unit.Single("DevicePolicy"));
        Assert.Equal("/dev/tpmrm0 rw", unit.Single("DeviceAllow"));
        Assert.Equal("kms", unit.Single("StateDirectory"));
        Assert.Contains("@system-service", unit.All("SystemCallFilter"));
        Assert.NotNull(unit.Single("RestrictAddressFamilies"));
        // The JIT writes code and then executes it; MemoryDenyWriteExecute=yes stops the runtime.
        Assert.Equal("no", unit.Single("MemoryDenyWriteExecute"));
        // The silo sends no READY=1: Type=notify would never finish starting.
        Assert.Equal("exec", unit.Single("Type"));
        Assert.StartsWith("/opt/kms/kms-silo --config /etc/kms/silo.json", unit.Single("ExecStart"), StringComparison.Ordinal);
    }

    /// <summary>Writes the unit as kms-silo.service with ExecStart pointing at an existing stub (verify checks the
    /// executable exists) and runs systemd-analyze verify on it.</summary>
    private static async Task<ToolResult> VerifyAsync(string directory, string unit)
    {
        string path = WriteUnit(directory, unit);
        return await ExternalTool.RunAsync("systemd-analyze", ["verify", "--man=no", path], directory);
    }

    private static async Task<(double Exposure, ToolResult Result)> SecurityAsync(string directory, string unit)
    {
        string path = WriteUnit(directory, unit);
        string threshold = ((int)(MaxExposure * 10)).ToString(CultureInfo.InvariantCulture);
        ToolResult result = await ExternalTool.RunAsync(
            "systemd-analyze", ["security", "--offline=true", $"--threshold={threshold}", "--no-pager", path], directory);
        Match line = ExposureLine().Match(result.StandardOutput + result.StandardError);
        Assert.True(line.Success, result.ToString());
        return (double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), result);
    }

    private static string WriteUnit(string directory, string unit)
    {
        string stub = Path.Combine(directory, "kms-silo");
        File.WriteAllText(stub, "#!/bin/sh\nexit 0\n");
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string path = Path.Combine(directory, "kms-silo.service");
        File.WriteAllText(path, unit.Replace("ExecStart=/opt/kms/kms-silo", $"ExecStart={stub}", StringComparison.Ordinal));
        return path;
    }
}
