using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kms.Deploy.Tests.Azure;

namespace Kms.Deploy.Tests.CloudInit;

/// <summary>infra/cloud-init/dev-user-data.yaml, filled as the template fills it, checked by cloud-init's own schema
/// validation (Debian package cloud-init) and by a top-level key allow list (the schema check accepts unknown keys).</summary>
public sealed partial class CloudInitTests
{
    private static readonly string[] AllowedTopLevelKeys = ["package_update", "packages", "write_files", "runcmd"];

    [GeneratedRegex(@"__KMS_[A-Z0-9_]+__")]
    private static partial Regex Token();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*):", RegexOptions.Multiline)]
    private static partial Regex TopLevelKey();

    [RequiresToolFact("cloud-init", "cloud-init")]
    public async Task The_filled_user_data_is_valid_cloud_config()
    {
        using var directory = new TempDirectory();

        ToolResult result = await SchemaAsync(directory.Path, await RenderAsync());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Valid cloud-config", result.StandardOutput, StringComparison.Ordinal);
    }

    [RequiresToolFact("cloud-init", "cloud-init")]
    public async Task The_schema_check_rejects_a_wrong_type()
    {
        using var directory = new TempDirectory();
        string broken = Regex.Replace(await RenderAsync(), @"^runcmd:", "runcmd: 5\nignored:", RegexOptions.Multiline);

        ToolResult result = await SchemaAsync(directory.Path, broken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("runcmd", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_known_top_level_keys_are_used()
    {
        string text = await File.ReadAllTextAsync(RepoPaths.CloudInit);

        Assert.StartsWith("#cloud-config\n", text, StringComparison.Ordinal);
        Assert.Empty(TopLevelKeys(text).Except(AllowedTopLevelKeys));
        Assert.Contains("packagez", TopLevelKeys(text.Replace("packages:", "packagez:", StringComparison.Ordinal)).Except(AllowedTopLevelKeys));
    }

    [Fact]
    public async Task The_template_fills_exactly_the_tokens_of_the_user_data()
    {
        string text = await File.ReadAllTextAsync(RepoPaths.CloudInit);

        Assert.Equal(
            AzureTemplateRules.CloudInitTokens.Order(),
            Token().Matches(text).Select(m => m.Value).Distinct().Order());
        Assert.DoesNotMatch(Token(), await RenderAsync());
    }

    [Fact]
    public async Task The_user_data_writes_the_settings_and_unit_where_the_unit_reads_them()
    {
        string text = await RenderAsync();

        Assert.Contains("path: /etc/kms/silo.json", text, StringComparison.Ordinal);
        Assert.Contains("path: /etc/systemd/system/kms-silo.service", text, StringComparison.Ordinal);
        Assert.Contains("sha256sum --check", text, StringComparison.Ordinal);
        Assert.Contains("[systemctl, enable, kms-silo.service]", text, StringComparison.Ordinal);
    }

    /// <summary>The user data one VM gets: the tokens filled as main.bicep fills them, with sample values.</summary>
    private static async Task<string> RenderAsync()
    {
        JsonObject settings = SiloSettingsEvaluator.Evaluate(await BicepCli.MainTemplate);
        string unit = await File.ReadAllTextAsync(RepoPaths.SystemdUnit);
        return (await File.ReadAllTextAsync(RepoPaths.CloudInit))
            .Replace("__KMS_SILO_CONFIG_B64__", Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.ToJsonString())), StringComparison.Ordinal)
            .Replace("__KMS_SILO_UNIT_B64__", Convert.ToBase64String(Encoding.UTF8.GetBytes(unit)), StringComparison.Ordinal)
            .Replace("__KMS_SILO_PACKAGE_URL__", "https://downloads.example.org/kms-silo-linux-x64.tar.gz", StringComparison.Ordinal)
            .Replace("__KMS_SILO_PACKAGE_SHA256__", new string('a', 64), StringComparison.Ordinal);
    }

    private static IEnumerable<string> TopLevelKeys(string text) =>
        TopLevelKey().Matches(text).Select(m => m.Groups[1].Value);

    private static async Task<ToolResult> SchemaAsync(string directory, string userData)
    {
        string path = Path.Combine(directory, "user-data.yaml");
        await File.WriteAllTextAsync(path, userData);
        return await ExternalTool.RunAsync("cloud-init", ["schema", "--config-file", path], directory);
    }
}
