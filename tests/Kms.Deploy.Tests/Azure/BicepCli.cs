using System.Reflection;
using System.Text.Json.Nodes;

namespace Kms.Deploy.Tests.Azure;

/// <summary>
/// The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64, a PackageDownload of this project):
/// compiles templates to ARM JSON and lints them.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<Task<JsonObject>> s_main = new(() => BuildAsync(RepoPaths.AzureMain));

    /// <summary>Path of the bicep binary inside the NuGet package folder.</summary>
    public static string Executable { get; } = Locate();

    /// <summary>infra/azure/main.bicep compiled once per test run.</summary>
    public static Task<JsonObject> MainTemplate => s_main.Value;

    /// <summary>Compiles one template; a compiler warning or error fails.</summary>
    public static async Task<JsonObject> BuildAsync(string bicepFile)
    {
        ToolResult result = await ExternalTool.RunAsync(Executable, ["build", bicepFile, "--stdout"]);
        Assert.True(result.ExitCode == 0 && result.StandardError.Length == 0, $"bicep build {bicepFile}: {result}");
        return JsonNode.Parse(result.StandardOutput)?.AsObject()
            ?? throw new InvalidDataException($"bicep build {bicepFile} printed no JSON.");
    }

    /// <summary>Compiles every main.bicep under <paramref name="root"/> in one run (one process start for many
    /// templates) and returns each compiled template by the directory of its main.bicep.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonObject>> BuildAllAsync(string root)
    {
        ToolResult result = await ExternalTool.RunAsync(Executable, ["build", "--pattern", "**/main.bicep"], root);
        Assert.True(result.ExitCode == 0, $"bicep build --pattern under {root}: {result}");
        return Directory.EnumerateFiles(root, "main.json", SearchOption.AllDirectories).ToDictionary(
            file => Path.GetDirectoryName(file)!,
            file => JsonNode.Parse(File.ReadAllText(file))!.AsObject());
    }

    /// <summary>Runs the linter (the rules of infra/azure/bicepconfig.json).</summary>
    public static Task<ToolResult> LintAsync(string bicepFile) =>
        ExternalTool.RunAsync(Executable, ["lint", bicepFile]);

    private static string Locate()
    {
        string? configured = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BicepCli")?.Value;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string fallback = Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        string path = !string.IsNullOrEmpty(configured) && File.Exists(configured) ? configured : fallback;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at {path}: restore tests/Kms.Deploy.Tests (PackageDownload of Azure.Bicep.CommandLine.linux-x64).");
        }

        return path;
    }
}
