namespace Kms.Deploy.Tests.Azure;

/// <summary>One change to a copy of the templates (the first occurrence of <see cref="Find"/> in
/// <see cref="File"/>, relative to infra/) and the rule failure it must cause.</summary>
internal sealed record TemplateMutation(string Name, string File, string Find, string Replace, string ExpectedFailure);

/// <summary>Copies of infra/azure (with the cloud-init and systemd files it loads), each with one property lost.</summary>
internal static class TemplateMutations
{
    public static readonly TemplateMutation[] All =
    [
        new("not a confidential VM", "azure/main.bicep", "securityType: 'ConfidentialVM'", "securityType: 'TrustedLaunch'", "securityType must be ConfidentialVM"),
        new("vTPM state not persisted", "azure/main.bicep", "securityEncryptionType: 'DiskWithVMGuestState'", "securityEncryptionType: 'NonPersistedTPM'", "NonPersistedTPM"),
        new("guest state only", "azure/main.bicep", "securityEncryptionType: 'DiskWithVMGuestState'", "securityEncryptionType: 'VMGuestStateOnly'", "must be DiskWithVMGuestState"),
        new("all silos in one zone", "azure/main.bicep", "zones: [\n      zones[i % length(zones)]\n    ]", "zones: [\n      '1'\n    ]", "take its zone from the zones parameter"),
        new("a public IP on a silo", "azure/main.bicep", "privateIPAddress: siloIps[i]",
            "privateIPAddress: siloIps[i]\n            publicIPAddress: {\n              id: resourceId('Microsoft.Network/publicIPAddresses', 'silo-ip')\n            }",
            "uses a public IP address"),
        new("no table role", "azure/main.bicep", "'0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'", "'76199698-9eea-4c19-bc75-cec21354c6b6'", "Storage Table Data Contributor"),
        new("vTPM off", "azure/main.bicep", "vTpmEnabled: true", "vTpmEnabled: false", "the vTPM must be on"),
        new("secure boot off", "azure/main.bicep", "secureBootEnabled: true", "secureBootEnabled: false", "secure boot must be on"),
        new("too many silos", "azure/main.bicep", "@maxValue(7)", "@maxValue(10)", "siloCount must be bounded"),
        new("a non-confidential size", "azure/main.bicep", "'Standard_DC16es_v6'", "'Standard_D16s_v5'", "vmSize must allow only"),
        new("extensions allowed", "azure/main.bicep", "allowExtensionOperations: false", "allowExtensionOperations: true", "extension operations must be off"),
        new("probe on /livez", "azure/modules/load-balancer.bicep", "requestPath: '/readyz'", "requestPath: '/livez'", "HTTP probe named readyz"),
        new("settings on files", "azure/main.bicep", "Provider: 'AzureStorage'", "Provider: 'Files'", "the store must be AzureStorage"),
        new("wrong blob role", "azure/main.bicep", "'ba92f5b4-2d11-453d-a403-e96b0029c9fe'", "'acdd72a7-3385-48ef-bd42-f606fba81ae7'", "Storage Blob Data Contributor"),
        new("no NAT gateway", "azure/modules/network.bicep", "          natGateway: {\n            id: nat.id\n          }\n", "", "must egress through a NAT gateway"),
        new("API port open to all ports", "azure/modules/network.bicep", "destinationPortRange: string(apiPort)", "destinationPortRange: '*'", "opens port *"),
        new("Orleans ports open to the VNet", "azure/modules/network.bicep", "sourceAddressPrefix: siloSubnetPrefix", "sourceAddressPrefix: 'VirtualNetwork'", "only the silo subnet may reach it"),
        new("no deny-all rule", "azure/modules/network.bicep", "access: 'Deny'", "access: 'Allow'", "deny-all inbound"),
        new("public storage", "azure/modules/storage.bicep", "publicNetworkAccess: 'Disabled'", "publicNetworkAccess: 'Enabled'", "public network access must be disabled"),
        new("shared keys", "azure/modules/storage.bicep", "allowSharedKeyAccess: false", "allowSharedKeyAccess: true", "shared keys must be off"),
        new("no private blob zone", "azure/modules/storage.bicep", "name: 'privatelink.blob.${storageSuffix}'", "name: 'blob.${storageSuffix}'", "privatelink.blob."),
    ];

    /// <summary>Writes infra/{azure,cloud-init,systemd} with the mutation to <c>root/N/infra</c>; returns the azure directory.</summary>
    public static string WriteCopy(string root, int index, TemplateMutation mutation)
    {
        string infra = Path.Combine(root, index.ToString(System.Globalization.CultureInfo.InvariantCulture), "infra");
        foreach (string part in new[] { "azure", "cloud-init", "systemd" })
        {
            CopyDirectory(Path.Combine(RepoPaths.Infra, part), Path.Combine(infra, part));
        }

        string file = Path.Combine(infra, mutation.File);
        string text = File.ReadAllText(file);
        int at = text.IndexOf(mutation.Find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{mutation.Name}: '{mutation.Find}' is not in {mutation.File} any more; update the mutation.");
        File.WriteAllText(file, string.Concat(text.AsSpan(0, at), mutation.Replace, text.AsSpan(at + mutation.Find.Length)));
        return Path.Combine(infra, "azure");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories)
                     .Where(f => !f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith("bicepconfig.json", StringComparison.Ordinal)))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
