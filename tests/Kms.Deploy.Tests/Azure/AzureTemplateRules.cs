using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kms.Deploy.Tests.Azure;

/// <summary>
/// What the compiled silo template (infra/azure/main.bicep) must say, checked on its ARM JSON: confidential VMs with
/// secure boot, vTPM and a persisted vTPM state, CVM sizes and images, no public IP but the NAT gateway's, a closed
/// NSG, an internal load balancer probing /readyz, and storage behind private endpoints reached with a managed
/// identity. <see cref="Check"/> lists every violation (empty = the template is acceptable).
/// </summary>
internal static partial class AzureTemplateRules
{
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    /// <summary>The placeholders of infra/cloud-init/dev-user-data.yaml that the template fills for each VM.</summary>
    public static readonly string[] CloudInitTokens =
        ["__KMS_SILO_CONFIG_B64__", "__KMS_SILO_UNIT_B64__", "__KMS_SILO_PACKAGE_URL__", "__KMS_SILO_PACKAGE_SHA256__"];

    // SEV-SNP: DCasv5, ECasv5, DCasv6. TDX: DCesv5, DCesv6.
    [GeneratedRegex(@"^Standard_(DC\d+as_v5|EC\d+as_v5|DC\d+as_v6|DC\d+es_v5|DC\d+es_v6)$")]
    private static partial Regex ConfidentialSize();

    [GeneratedRegex(@"variables\('(\w+)'\)")]
    private static partial Regex VariableReference();

    public static IReadOnlyList<string> Check(JsonObject template)
    {
        var failures = new List<string>();
        CheckSilos(template, failures);
        CheckImages(template, failures);
        CheckNoPublicAddresses(template, failures);
        CheckSubnetAndNsg(template, failures);
        CheckLoadBalancer(template, failures);
        CheckStorage(template, failures);
        CheckRoleAssignments(template, failures);
        CheckSiloConfiguration(template, failures);
        return failures;
    }

    private static void CheckSilos(JsonObject template, List<string> failures)
    {
        JsonObject? count = ArmTemplate.Parameter(template, "siloCount");
        if (count?["minValue"]?.GetValue<int>() != 3 || count["maxValue"]?.GetValue<int>() != 7)
        {
            failures.Add("parameter siloCount must be bounded to 3..7");
        }

        if (template.ToJsonString().Contains("NonPersistedTPM", StringComparison.Ordinal))
        {
            failures.Add("the template mentions NonPersistedTPM (it discards the vTPM state and the sealed share)");
        }

        List<ArmResource> vms = ArmTemplate.OfType(template, "Microsoft.Compute/virtualMachines").ToList();
        if (vms.Count != 1)
        {
            failures.Add($"expected one virtual machine declaration (a loop over siloCount), found {vms.Count}");
        }

        foreach (ArmResource vm in vms)
        {
            string where = vm.Where;
            if (vm.Text("copy.count")?.Contains("parameters('siloCount')", StringComparison.Ordinal) != true)
            {
                failures.Add($"{where}: the VM loop must run siloCount times");
            }

            Expect(vm.Text("properties.securityProfile.securityType") == "ConfidentialVM", where, "securityType must be ConfidentialVM", failures);
            Expect(vm.Flag("properties.securityProfile.uefiSettings.secureBootEnabled") == true, where, "secure boot must be on", failures);
            Expect(vm.Flag("properties.securityProfile.uefiSettings.vTpmEnabled") == true, where, "the vTPM must be on", failures);
            Expect(vm.Text("properties.storageProfile.osDisk.managedDisk.securityProfile.securityEncryptionType") == "DiskWithVMGuestState",
                where, "the OS disk securityEncryptionType must be DiskWithVMGuestState", failures);
            Expect(vm.Text("properties.hardwareProfile.vmSize") == "[parameters('vmSize')]", where, "vmSize must come from the vmSize parameter", failures);
            Expect(vm.Flag("properties.osProfile.allowExtensionOperations") == false, where, "extension operations must be off", failures);
            Expect(vm.Flag("properties.osProfile.linuxConfiguration.disablePasswordAuthentication") == true,
                where, "password authentication must be off", failures);
            Expect(vm.At("properties.networkProfile.networkInterfaceConfigurations") is null,
                where, "NICs must be declared separately (no inline NIC that could carry a public IP)", failures);
            Expect(vm.Text("identity.type") == "UserAssigned", where, "the silo managed identity must be assigned", failures);

            string zones = string.Join(" ", ArmTemplate.Strings(vm.At("zones")));
            Expect(zones.Contains("parameters('zones')", StringComparison.Ordinal) && zones.Contains("copyIndex()", StringComparison.Ordinal),
                where, "each VM must take its zone from the zones parameter by its index", failures);
        }

        JsonObject? zonesParameter = ArmTemplate.Parameter(template, "zones");
        List<string> defaultZones = ArmTemplate.Strings(zonesParameter?["defaultValue"]).Distinct().ToList();
        if (defaultZones.Count < 3 || (zonesParameter?["minLength"]?.GetValue<int>() ?? 0) < 2)
        {
            failures.Add("parameter zones must default to three zones and require at least two");
        }

        JsonObject? size = ArmTemplate.Parameter(template, "vmSize");
        List<string> sizes = ArmTemplate.Strings(size?["allowedValues"]).ToList();
        if (sizes.Count == 0 || sizes.Any(s => !ConfidentialSize().IsMatch(s)))
        {
            failures.Add($"parameter vmSize must allow only SEV-SNP/TDX confidential sizes, allows: {string.Join(", ", sizes)}");
        }

        if (!sizes.Any(s => s.Contains("as_v", StringComparison.Ordinal)) || !sizes.Any(s => s.Contains("es_v", StringComparison.Ordinal)))
        {
            failures.Add("parameter vmSize must offer both SEV-SNP (as) and TDX (es) sizes");
        }

        if (size?["defaultValue"]?.GetValue<string>() is not { } defaultSize || !sizes.Contains(defaultSize))
        {
            failures.Add("parameter vmSize must default to an allowed size");
        }
    }

    private static void CheckImages(JsonObject template, List<string> failures)
    {
        foreach (ArmResource vm in ArmTemplate.OfType(template, "Microsoft.Compute/virtualMachines"))
        {
            Expect(vm.Text("properties.storageProfile.imageReference") == "[variables('imageReference')]",
                vm.Where, "the image must be the imageReference variable", failures);
        }

        JsonObject? images = template["variables"]?["marketplaceImages"] as JsonObject;
        if (images is null || images.Count == 0)
        {
            failures.Add("variable marketplaceImages is missing");
            return;
        }

        foreach ((string name, JsonNode? image) in images)
        {
            if (image?["sku"]?.GetValue<string>() is not { } sku || !sku.Contains("cvm", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"marketplace image {name} is not a confidential-VM image (its SKU must be a cvm SKU)");
            }
        }

        foreach (string allowed in ArmTemplate.Strings(ArmTemplate.Parameter(template, "image")?["allowedValues"]))
        {
            if (allowed != "gallery" && !images.ContainsKey(allowed))
            {
                failures.Add($"parameter image allows {allowed}, which is not a known confidential-VM image");
            }
        }
    }

    private static void CheckNoPublicAddresses(JsonObject template, List<string> failures)
    {
        IReadOnlyList<ArmResource> all = ArmTemplate.Resources(template);
        foreach (ArmResource resource in all.Where(r => r.Type != "Microsoft.Network/natGateways"))
        {
            bool usesPublicIp = ArmTemplate.Strings(resource.Properties).Any(s => s.Contains("Microsoft.Network/publicIPAddresses", StringComparison.OrdinalIgnoreCase))
                || resource.Properties?.ToJsonString().Contains("\"publicIPAddress\"", StringComparison.OrdinalIgnoreCase) == true;
            if (usesPublicIp && resource.Type != "Microsoft.Resources/deployments")
            {
                failures.Add($"{resource.Where} ({resource.Type}) uses a public IP address; only the NAT gateway may");
            }
        }

        int publicIps = all.Count(r => r.Type == "Microsoft.Network/publicIPAddresses");
        int natAddresses = all.Where(r => r.Type == "Microsoft.Network/natGateways")
            .Sum(r => (r.At("properties.publicIpAddresses") as JsonArray)?.Count ?? 0);
        if (publicIps > natAddresses)
        {
            failures.Add($"{publicIps} public IP addresses but only {natAddresses} used by a NAT gateway");
        }
    }

    private static void CheckSubnetAndNsg(JsonObject template, List<string> failures)
    {
        JsonObject? siloSubnet = ArmTemplate.OfType(template, "Microsoft.Network/virtualNetworks")
            .SelectMany(v => (v.At("properties.subnets") as JsonArray ?? []).OfType<JsonObject>())
            .FirstOrDefault(s => s["name"]?.GetValue<string>() == "silos");
        if (siloSubnet is null)
        {
            failures.Add("no subnet named silos");
            return;
        }

        Expect(ArmTemplate.At(siloSubnet, "properties.natGateway.id") is not null, "subnet silos", "must egress through a NAT gateway", failures);
        Expect(ArmTemplate.At(siloSubnet, "properties.defaultOutboundAccess")?.GetValue<bool>() == false,
            "subnet silos", "must have no default outbound access", failures);
        Expect(ArmTemplate.At(siloSubnet, "properties.networkSecurityGroup.id") is not null, "subnet silos", "must have an NSG", failures);

        List<ArmResource> nsgs = ArmTemplate.OfType(template, "Microsoft.Network/networkSecurityGroups").ToList();
        Expect(nsgs.Count == 1, "network", "expected exactly one NSG (the silo subnet's)", failures);
        foreach (ArmResource nsg in nsgs)
        {
            CheckNsgRules(nsg, failures);
        }
    }

    private static void CheckNsgRules(ArmResource nsg, List<string> failures)
    {
        var rules = (nsg.At("properties.securityRules") as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => (Name: r["name"]?.GetValue<string>() ?? "?", P: r["properties"]!.AsObject())).ToList();
        string Get(JsonObject p, string key) => p[key]?.GetValue<string>() ?? "";
        int maxAllow = 0;
        foreach ((string name, JsonObject p) in rules.Where(r => Get(r.P, "direction") == "Inbound" && Get(r.P, "access") == "Allow"))
        {
            maxAllow = Math.Max(maxAllow, p["priority"]?.GetValue<int>() ?? int.MaxValue);
            List<string> ports = p["destinationPortRanges"] is JsonArray list
                ? ArmTemplate.Strings(list).ToList()
                : [Get(p, "destinationPortRange")];
            string source = Get(p, "sourceAddressPrefix");
            foreach (string port in ports)
            {
                bool api = port == "[string(parameters('apiPort'))]";
                bool orleans = port is "[string(parameters('siloPort'))]" or "[string(parameters('gatewayPort'))]";
                if (!api && !orleans)
                {
                    failures.Add($"NSG rule {name} opens port {port}; only the API and the Orleans ports may be open");
                }
                else if (api && source is not ("[parameters('apiAllowedSourcePrefix')]" or "AzureLoadBalancer"))
                {
                    failures.Add($"NSG rule {name} opens the API port to {source}");
                }
                else if (orleans && source != "[parameters('siloSubnetPrefix')]")
                {
                    failures.Add($"NSG rule {name} opens an Orleans port to {source}; only the silo subnet may reach it");
                }
            }
        }

        bool denyAll = rules.Any(r => Get(r.P, "direction") == "Inbound" && Get(r.P, "access") == "Deny"
            && Get(r.P, "sourceAddressPrefix") == "*" && Get(r.P, "destinationPortRange") == "*" && Get(r.P, "protocol") == "*"
            && (r.P["priority"]?.GetValue<int>() ?? 0) > maxAllow && (r.P["priority"]?.GetValue<int>() ?? int.MaxValue) <= 4096);
        Expect(denyAll, nsg.Where, "needs a deny-all inbound rule after the allow rules (Azure's defaults let the whole VNet in)", failures);
        Expect(rules.Any(r => Get(r.P, "sourceAddressPrefix") == "AzureLoadBalancer"), nsg.Where, "must let the load balancer probe in", failures);
    }

    private static void CheckLoadBalancer(JsonObject template, List<string> failures)
    {
        List<ArmResource> lbs = ArmTemplate.OfType(template, "Microsoft.Network/loadBalancers").ToList();
        Expect(lbs.Count == 1, "template", "expected one load balancer", failures);
        foreach (ArmResource lb in lbs)
        {
            Expect(lb.Text("sku.name") == "Standard", lb.Where, "must be a Standard load balancer", failures);
            foreach (JsonNode? frontend in lb.At("properties.frontendIPConfigurations") as JsonArray ?? [])
            {
                Expect(ArmTemplate.At(frontend, "properties.subnet.id") is not null, lb.Where, "the frontend must be internal (in the silo subnet)", failures);
            }

            JsonObject? probe = (lb.At("properties.probes") as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(p => p["name"]?.GetValue<string>() == "readyz");
            Expect(ArmTemplate.At(probe, "properties.protocol")?.GetValue<string>() == "Http"
                && ArmTemplate.At(probe, "properties.requestPath")?.GetValue<string>() == "/readyz"
                && ArmTemplate.At(probe, "properties.port")?.GetValue<string>() == "[parameters('apiPort')]",
                lb.Where, "needs an HTTP probe named readyz on GET /readyz at the API port", failures);

            var rules = (lb.At("properties.loadBalancingRules") as JsonArray ?? []).OfType<JsonObject>().ToList();
            Expect(rules.Count > 0 && rules.All(r =>
                    ArmTemplate.At(r, "properties.probe.id")?.GetValue<string>()?.Contains("'readyz'", StringComparison.Ordinal) == true
                    && ArmTemplate.At(r, "properties.backendPort")?.GetValue<string>() == "[parameters('apiPort')]"),
                lb.Where, "every rule must forward to the API port and use the readyz probe", failures);
        }
    }

    private static void CheckStorage(JsonObject template, List<string> failures)
    {
        List<ArmResource> accounts = ArmTemplate.OfType(template, "Microsoft.Storage/storageAccounts").ToList();
        Expect(accounts.Count == 1, "template", "expected one storage account", failures);
        foreach (ArmResource account in accounts)
        {
            Expect(account.Text("properties.publicNetworkAccess") == "Disabled", account.Where, "public network access must be disabled", failures);
            Expect(account.Flag("properties.allowSharedKeyAccess") == false, account.Where, "shared keys must be off (managed identity only)", failures);
            Expect(account.Flag("properties.allowBlobPublicAccess") == false, account.Where, "anonymous blob access must be off", failures);
            Expect(account.Flag("properties.supportsHttpsTrafficOnly") == true && account.Text("properties.minimumTlsVersion") == "TLS1_2",
                account.Where, "must require HTTPS with TLS 1.2 or later", failures);
        }

        IReadOnlyList<ArmResource> all = ArmTemplate.Resources(template);
        foreach (string service in new[] { "table", "blob" })
        {
            bool endpoint = all.Any(r => r.Type == "Microsoft.Network/privateEndpoints"
                && ArmTemplate.Strings(r.At("properties.privateLinkServiceConnections")).Contains(service)
                && ArmTemplate.Strings(r.At("properties.privateLinkServiceConnections")).Any(s => s.Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal)));
            Expect(endpoint, "storage", $"needs a private endpoint for the {service} service of the storage account", failures);

            string zone = $"privatelink.{service}.";
            Expect(all.Any(r => r.Type == "Microsoft.Network/privateDnsZones" && r.Text("name")?.Contains(zone, StringComparison.Ordinal) == true),
                "storage", $"needs the private DNS zone {zone}<storage suffix>", failures);
            Expect(all.Any(r => r.Type == "Microsoft.Network/privateDnsZones/virtualNetworkLinks" && r.Text("name")?.Contains(zone, StringComparison.Ordinal) == true),
                "storage", $"the zone {zone}… must be linked to the virtual network", failures);
            Expect(all.Any(r => r.Type == "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"
                    && ArmTemplate.Strings(r.Properties).Any(s => s.Contains("Microsoft.Network/privateDnsZones", StringComparison.Ordinal) && s.Contains(zone, StringComparison.Ordinal))),
                "storage", $"the {service} endpoint must register in the zone {zone}…", failures);
        }
    }

    private static void CheckRoleAssignments(JsonObject template, List<string> failures)
    {
        string? identity = ArmTemplate.OfType(template, "Microsoft.ManagedIdentity/userAssignedIdentities")
            .Select(r => r.Where.Split('/').Last()).SingleOrDefault();
        if (identity is null)
        {
            failures.Add("expected one user-assigned identity for the silos");
            return;
        }

        foreach ((string role, string name) in new[] { (StorageTableDataContributor, "Storage Table Data Contributor"), (StorageBlobDataContributor, "Storage Blob Data Contributor") })
        {
            bool granted = ArmTemplate.OfType(template, "Microsoft.Authorization/roleAssignments").Any(r =>
                ResolveVariables(template, r.Text("properties.roleDefinitionId")).Contains(role, StringComparison.Ordinal)
                && r.Text("properties.principalId") == $"[reference('{identity}').principalId]"
                && r.Text("scope")?.Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal) == true);
            Expect(granted, "roles", $"the silo identity needs {name} on the storage account", failures);
        }
    }

    private static void CheckSiloConfiguration(JsonObject template, List<string> failures)
    {
        JsonObject? settings = SiloSettingsFunction(template);
        JsonNode? azure = ArmTemplate.At(settings, "Silo.Store.Azure");
        Expect(ArmTemplate.At(settings, "Silo.Store.Provider")?.GetValue<string>() == "AzureStorage", "siloSettings", "the store must be AzureStorage", failures);
        Expect(azure?["TableServiceUri"] is not null && azure["BlobServiceUri"] is not null && azure["ManagedIdentityClientId"] is not null,
            "siloSettings", "the Azure store must name the Table and Blob endpoints and the managed identity", failures);
        Expect(azure?["ConnectionString"] is null, "siloSettings", "no connection string (a secret) in the VM's custom data", failures);

        string variablesText = template["variables"]?.ToJsonString() ?? "";
        foreach (ArmResource vm in ArmTemplate.OfType(template, "Microsoft.Compute/virtualMachines"))
        {
            string customData = vm.Text("properties.osProfile.customData") ?? "";
            Expect(customData.Contains("__bicep.siloSettings(", StringComparison.Ordinal), vm.Where, "custom data must carry the silo settings", failures);
            Expect(customData.Contains(".clientId", StringComparison.Ordinal), vm.Where, "the settings must name the managed identity's client id", failures);
            foreach (string token in CloudInitTokens)
            {
                Expect(customData.Contains($"'{token}'", StringComparison.Ordinal) && variablesText.Contains(token, StringComparison.Ordinal),
                    vm.Where, $"custom data must fill {token} of the cloud-init template", failures);
            }
        }
    }

    /// <summary>The body of the Bicep function siloSettings (the silo's settings file, with ARM expressions).</summary>
    public static JsonObject? SiloSettingsFunction(JsonObject template) =>
        (template["functions"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(ns => ArmTemplate.At(ns, "members.siloSettings.output.value"))
            .OfType<JsonObject>().FirstOrDefault();

    private static string ResolveVariables(JsonObject template, string? expression) =>
        VariableReference().Replace(expression ?? "", m =>
            template["variables"]?[m.Groups[1].Value] is JsonValue v && v.TryGetValue(out string? text) ? text : m.Value);

    private static void Expect(bool condition, string where, string what, List<string> failures)
    {
        if (!condition)
        {
            failures.Add($"{where}: {what}");
        }
    }
}
