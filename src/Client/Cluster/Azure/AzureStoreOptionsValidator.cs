using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Kms.Client.Cluster.Azure;

/// <summary>
/// Checks <see cref="AzureStoreOptions"/> before any client is made. Every message names the setting; none repeats
/// the connection string, which holds the account key.
/// </summary>
public sealed partial class AzureStoreOptionsValidator : IValidateOptions<AzureStoreOptions>
{
    /// <summary>Checks the options of a silo that uses all three providers, so needs the Table and the Blob service.</summary>
    public ValidateOptionsResult Validate(string? name, AzureStoreOptions options)
    {
        List<string> failures = Collect(options, needsBlob: true);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, or returns.</summary>
    /// <param name="needsBlob">Whether the Blob service is used (grain storage); membership and reminders need only tables.</param>
    public static void ThrowIfInvalid(AzureStoreOptions options, bool needsBlob)
    {
        List<string> failures = Collect(options, needsBlob);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(AzureStoreOptions.SectionName, typeof(AzureStoreOptions), failures);
        }
    }

    private static List<string> Collect(AzureStoreOptions options, bool needsBlob)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        bool hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        bool hasUris = options.TableServiceUri is not null || options.BlobServiceUri is not null;

        if (hasConnectionString && hasUris)
        {
            failures.Add($"{Setting("ConnectionString")} and the service URIs are exclusive: set one way to reach the account.");
        }
        else if (hasConnectionString)
        {
            ValidateConnectionString(options.ConnectionString!, needsBlob, failures);
            if (options.ManagedIdentityClientId is not null)
            {
                failures.Add($"{Setting("ManagedIdentityClientId")} is used only with the service URIs, not with a connection string.");
            }
        }
        else if (hasUris)
        {
            ValidateServiceUri(options.TableServiceUri, "TableServiceUri", failures);
            if (needsBlob)
            {
                ValidateServiceUri(options.BlobServiceUri, "BlobServiceUri", failures);
            }

            if (options.ManagedIdentityClientId is not null && !Guid.TryParse(options.ManagedIdentityClientId, out _))
            {
                failures.Add($"{Setting("ManagedIdentityClientId")} must be the client id (a GUID) of a user-assigned managed identity.");
            }
        }
        else
        {
            failures.Add($"{Setting("ConnectionString")} or {Setting("TableServiceUri")} and {Setting("BlobServiceUri")} " +
                "must be set: the silos keep membership, grain state and reminders in an Azure Storage account.");
        }

        ValidateTableName(options.ClusteringTableName, "ClusteringTableName", failures);
        ValidateTableName(options.RemindersTableName, "RemindersTableName", failures);
        if (needsBlob)
        {
            if (options.GrainStateContainerName is null || !ContainerName().IsMatch(options.GrainStateContainerName))
            {
                failures.Add($"{Setting("GrainStateContainerName")} must be 3-63 lowercase letters, digits and single " +
                    $"hyphens, starting and ending with a letter or digit, not '{Printable(options.GrainStateContainerName)}'.");
            }
        }

        return failures;
    }

    private static void ValidateConnectionString(string connectionString, bool needsBlob, List<string> failures)
    {
        // The SDK parses it; its exception text is dropped because a parser may quote the part it rejected (the key).
        try
        {
            var endpoints = new List<Uri> { new TableServiceClient(connectionString).Uri };
            if (needsBlob)
            {
                endpoints.Add(new BlobServiceClient(connectionString).Uri);
            }

            // Plain http would carry the account's requests, and any SAS in them, in the clear; only a local
            // emulator (Azurite on loopback) is exempt.
            if (endpoints.Any(endpoint => endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback))
            {
                failures.Add($"{Setting("ConnectionString")} names an http endpoint; only https is accepted " +
                    "(plain http only for an emulator on loopback).");
            }
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            failures.Add($"{Setting("ConnectionString")} is not a valid Azure Storage connection string " +
                $"(it must name the account and its table{(needsBlob ? " and blob" : string.Empty)} endpoint).");
        }
    }

    private static void ValidateServiceUri(Uri? uri, string name, List<string> failures)
    {
        if (uri is null)
        {
            failures.Add($"{Setting(name)} is required when the account is reached by URI.");
        }
        else if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            failures.Add($"{Setting(name)} must be an absolute https URI without query or user info (Entra ID tokens are " +
                "sent only over TLS, and a SAS in the query would be a secret in configuration).");
        }
    }

    private static void ValidateTableName(string? tableName, string name, List<string> failures)
    {
        if (tableName is null || !TableName().IsMatch(tableName) || string.Equals(tableName, "tables", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Setting(name)} must be 3-63 letters and digits starting with a letter (and not 'tables'), " +
                $"not '{Printable(tableName)}'.");
        }
    }

    private static string Setting(string name) => $"{AzureStoreOptions.SectionName}:{name}";

    // A rejected name is echoed so the operator can find it, cut short and without control characters.
    private static string Printable(string? value) =>
        value is null ? "(null)" : new string(value.Take(70).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex TableName();

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ContainerName();
}
