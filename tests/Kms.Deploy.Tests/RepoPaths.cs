namespace Kms.Deploy.Tests;

/// <summary>Paths of the repository's deployment files, found from the test assembly's directory.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Infra => Path.Combine(Root, "infra");

    public static string AzureMain => Path.Combine(Infra, "azure", "main.bicep");

    public static string AzureParametersExample => Path.Combine(Infra, "azure", "main.parameters.example.json");

    public static string SystemdUnit => Path.Combine(Infra, "systemd", "kms-silo.service");

    public static string CloudInit => Path.Combine(Infra, "cloud-init", "dev-user-data.yaml");

    public static string SiloAppSettings => Path.Combine(Root, "src", "Silo", "appsettings.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Kms.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.Kms.sln above {AppContext.BaseDirectory}.");
    }
}
