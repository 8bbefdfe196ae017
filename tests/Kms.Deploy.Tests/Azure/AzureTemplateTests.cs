using System.Text.Json.Nodes;

namespace Kms.Deploy.Tests.Azure;

/// <summary>infra/azure compiled and linted with the Bicep CLI from NuGet, and its ARM JSON checked.</summary>
public sealed class AzureTemplateTests
{
    [Fact]
    public async Task The_compiled_template_meets_every_rule()
    {
        JsonObject template = await BicepCli.MainTemplate;

        IReadOnlyList<string> failures = AzureTemplateRules.Check(template);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task The_linter_reports_nothing()
    {
        ToolResult lint = await BicepCli.LintAsync(RepoPaths.AzureMain);

        // Warnings count as errors: any diagnostic line fails.
        Assert.True(lint.ExitCode == 0 && lint.StandardOutput.Trim().Length == 0 && lint.StandardError.Trim().Length == 0, lint.ToString());
    }

    [Fact]
    public async Task The_linter_configuration_turns_findings_into_errors()
    {
        using var root = new TempDirectory();
        string azure = TemplateMutations.WriteCopy(root.Path, 0,
            new TemplateMutation("unused parameter", "azure/main.bicep", "targetScope = 'resourceGroup'",
                "targetScope = 'resourceGroup'\nparam unusedSetting string = 'x'", ""));

        ToolResult lint = await BicepCli.LintAsync(Path.Combine(azure, "main.bicep"));

        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains("Error no-unused-params", lint.StandardOutput + lint.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_parameters_example_names_every_required_parameter_and_no_unknown_one()
    {
        JsonObject template = await BicepCli.MainTemplate;
        JsonObject declared = template["parameters"]!.AsObject();
        JsonObject example = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.AzureParametersExample))!["parameters"]!.AsObject();

        List<string> unknown = example.Select(p => p.Key).Where(name => !declared.ContainsKey(name)).ToList();
        List<string> missing = declared.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key)
            .Where(name => !example.ContainsKey(name)).ToList();
        Assert.True(unknown.Count == 0, "unknown parameters: " + string.Join(", ", unknown));
        Assert.True(missing.Count == 0, "required parameters missing: " + string.Join(", ", missing));
        Assert.Matches("^[0-9a-f]{64}$", example["siloPackageSha256"]?["value"]?.GetValue<string>());
        Assert.StartsWith("https://", example["siloPackageUrl"]?["value"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_template_that_loses_a_property_fails_the_rules()
    {
        using var root = new TempDirectory();
        var mutants = TemplateMutations.All.Select((m, i) => (Mutation: m, Directory: TemplateMutations.WriteCopy(root.Path, i, m))).ToList();

        IReadOnlyDictionary<string, JsonObject> compiled = await BicepCli.BuildAllAsync(root.Path);

        foreach ((TemplateMutation mutation, string directory) in mutants)
        {
            Assert.True(compiled.TryGetValue(directory, out JsonObject? template), $"{mutation.Name}: not compiled");
            IReadOnlyList<string> failures = AzureTemplateRules.Check(template!);
            Assert.True(failures.Any(f => f.Contains(mutation.ExpectedFailure, StringComparison.Ordinal)),
                $"{mutation.Name}: expected a failure containing '{mutation.ExpectedFailure}', got: {string.Join(" | ", failures)}");
        }
    }
}
