using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Kms.Silo.Providers.Postgres;

/// <summary>One version of the PostgreSQL schema: an embedded <c>Schema/NNNN_name.sql</c> file.</summary>
/// <param name="Version">The version the file brings the database to (its four-digit prefix).</param>
/// <param name="Name">The file name, recorded with the version so that an operator can see what ran.</param>
/// <param name="Sql">The script, run in one transaction.</param>
internal sealed partial record PostgresSchemaScript(int Version, string Name, string Sql)
{
    private const string ResourcePrefix = "Kms.Silo.Providers.Postgres.Schema.";

    /// <summary>The scripts embedded in this assembly, in version order.</summary>
    /// <exception cref="InvalidOperationException">A resource name is malformed, or versions are missing or repeated.</exception>
    public static IReadOnlyList<PostgresSchemaScript> LoadEmbedded()
    {
        Assembly assembly = typeof(PostgresSchemaScript).Assembly;
        var scripts = new List<PostgresSchemaScript>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string name = resource[ResourcePrefix.Length..];
            using Stream stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded schema script {name} cannot be opened.");
            using var reader = new StreamReader(stream);
            scripts.Add(new PostgresSchemaScript(ParseVersion(name), name, reader.ReadToEnd()));
        }

        scripts.Sort((left, right) => left.Version.CompareTo(right.Version));
        for (int i = 0; i < scripts.Count; i++)
        {
            // Versions are dense from 1: a gap would mean a script left out of the build.
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"Embedded schema scripts must be numbered 1..N without gaps; found {string.Join(", ", scripts.Select(s => s.Name))}.");
            }
        }

        return scripts;
    }

    /// <summary>The version in a file name of the form <c>NNNN_name.sql</c>.</summary>
    /// <exception cref="InvalidOperationException">The name does not have that form.</exception>
    internal static int ParseVersion(string fileName)
    {
        // A strict pattern, not int.TryParse alone: the latter accepts trailing NUL characters.
        if (!ScriptName().IsMatch(fileName)
            || !int.TryParse(fileName.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int version)
            || version == 0)
        {
            throw new InvalidOperationException($"Schema script name '{fileName}' is not of the form NNNN_name.sql (NNNN > 0, name in a-z, 0-9 and _).");
        }

        return version;
    }

    [GeneratedRegex("^[0-9]{4}_[a-z0-9_]+\\.sql\\z")]
    private static partial Regex ScriptName();
}
