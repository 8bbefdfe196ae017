using System.Text.Json;

namespace Kms.Governance.Policy;

/// <summary>
/// Strict reader of the policy body (schema version 1, Policy/README.md): unknown members, wrong types,
/// non-integer or out-of-range numbers, uppercase hex and repeated entries are all refused.
/// </summary>
public static class NamespacePolicyParser
{
    /// <summary>The largest integer a policy document may hold (2^53 - 1: exact in every JSON implementation).</summary>
    public const long MaxInteger = (1L << 53) - 1;

    /// <summary>The maximum length of a namespace name.</summary>
    public const int MaxNamespaceLength = 128;

    /// <summary>The maximum length of an operator identifier or key name.</summary>
    public const int MaxNameLength = 256;

    private static readonly HashSet<string> s_bodyMembers = ["version", "namespace", "serial", "identities", "operators", "keyAccess", "mayReplicate"];
    private static readonly HashSet<string> s_identityMembers = ["identity", "configHash", "notAfter"];

    /// <summary>Reads a policy body.</summary>
    /// <exception cref="PolicyFormatException">The body does not follow the schema.</exception>
    public static NamespacePolicy Parse(JsonElement body)
    {
        RequireObject(body, "policy");
        RequireKnownMembers(body, s_bodyMembers, "policy");

        long version = ReadInteger(RequireMember(body, "version"), "policy.version");
        if (version != 1)
        {
            throw new PolicyFormatException($"policy.version {version} is not supported (only 1).");
        }

        string @namespace = ReadNamespace(RequireMember(body, "namespace"));
        long serial = ReadInteger(RequireMember(body, "serial"), "policy.serial");
        if (serial < 1)
        {
            throw new PolicyFormatException("policy.serial must be at least 1.");
        }

        var identities = new List<AllowedIdentity>();
        var seenIdentities = new HashSet<WorkloadIdentity>();
        if (body.TryGetProperty("identities", out JsonElement identitiesElement))
        {
            RequireArray(identitiesElement, "policy.identities");
            int index = 0;
            foreach (JsonElement item in identitiesElement.EnumerateArray())
            {
                AllowedIdentity entry = ReadAllowedIdentity(item, $"policy.identities[{index++}]");
                if (!seenIdentities.Add(entry.Identity))
                {
                    throw new PolicyFormatException($"policy.identities lists {entry.Identity} twice.");
                }

                identities.Add(entry);
            }
        }

        List<string> operators = body.TryGetProperty("operators", out JsonElement operatorsElement)
            ? ReadUniqueNames(operatorsElement, "policy.operators")
            : [];

        var keyAccess = new Dictionary<string, IReadOnlyList<WorkloadIdentity>>(StringComparer.Ordinal);
        if (body.TryGetProperty("keyAccess", out JsonElement keyAccessElement))
        {
            RequireObject(keyAccessElement, "policy.keyAccess");
            foreach (JsonProperty key in keyAccessElement.EnumerateObject())
            {
                RequireName(key.Name, $"policy.keyAccess key \"{Truncate(key.Name)}\"");
                keyAccess[key.Name] = ReadIdentityList(key.Value, $"policy.keyAccess[\"{key.Name}\"]");
            }
        }

        IReadOnlyList<WorkloadIdentity> mayReplicate = body.TryGetProperty("mayReplicate", out JsonElement replicateElement)
            ? ReadIdentityList(replicateElement, "policy.mayReplicate")
            : [];

        return new NamespacePolicy(@namespace, serial, identities, operators, keyAccess, mayReplicate);
    }

    /// <summary>Whether <paramref name="name"/> is a valid namespace name: 1-128 of [a-z0-9._-], starting alphanumeric.</summary>
    public static bool IsValidNamespace(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNamespaceLength || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string ReadNamespace(JsonElement element)
    {
        string value = ReadString(element, "policy.namespace");
        if (!IsValidNamespace(value))
        {
            throw new PolicyFormatException("policy.namespace must be 1-128 characters of [a-z0-9._-], starting with a letter or digit.");
        }

        return value;
    }

    private static AllowedIdentity ReadAllowedIdentity(JsonElement item, string path)
    {
        RequireObject(item, path);
        RequireKnownMembers(item, s_identityMembers, path);
        WorkloadIdentity identity = ReadIdentity(RequireMember(item, "identity"), path + ".identity");

        byte[]? configHash = null;
        if (item.TryGetProperty("configHash", out JsonElement configElement))
        {
            if (!LowercaseHex.TryDecode(ReadString(configElement, path + ".configHash"), 32, out configHash))
            {
                throw new PolicyFormatException($"{path}.configHash must be 64 lowercase hex characters.");
            }
        }

        DateTimeOffset? notAfter = null;
        if (item.TryGetProperty("notAfter", out JsonElement notAfterElement))
        {
            long seconds = ReadInteger(notAfterElement, path + ".notAfter");
            if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                throw new PolicyFormatException($"{path}.notAfter is beyond the year 9999.");
            }

            notAfter = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return new AllowedIdentity(identity, configHash, notAfter);
    }

    private static List<WorkloadIdentity> ReadIdentityList(JsonElement element, string path)
    {
        RequireArray(element, path);
        var list = new List<WorkloadIdentity>();
        var seen = new HashSet<WorkloadIdentity>();
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            WorkloadIdentity identity = ReadIdentity(item, $"{path}[{index++}]");
            if (!seen.Add(identity))
            {
                throw new PolicyFormatException($"{path} lists {identity} twice.");
            }

            list.Add(identity);
        }

        return list;
    }

    private static List<string> ReadUniqueNames(JsonElement element, string path)
    {
        RequireArray(element, path);
        var list = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            string name = ReadString(item, $"{path}[{index}]");
            RequireName(name, $"{path}[{index}]");
            if (!seen.Add(name))
            {
                throw new PolicyFormatException($"{path} lists \"{Truncate(name)}\" twice.");
            }

            list.Add(name);
            index++;
        }

        return list;
    }

    private static WorkloadIdentity ReadIdentity(JsonElement element, string path)
    {
        if (!WorkloadIdentity.TryParseHex(ReadString(element, path), out WorkloadIdentity identity))
        {
            throw new PolicyFormatException($"{path} must be 64 lowercase hex characters.");
        }

        return identity;
    }

    private static void RequireName(string name, string path)
    {
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new PolicyFormatException($"{path} must be 1-{MaxNameLength} characters without control characters.");
        }
    }

    /// <summary>Integers only, in canonical decimal spelling (no fraction, exponent, sign or leading zero).</summary>
    private static long ReadInteger(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new PolicyFormatException($"{path} must be a number.");
        }

        string raw = element.GetRawText();
        bool canonicalDigits = raw.Length is > 0 and <= 16 && raw.All(char.IsAsciiDigit) && (raw.Length == 1 || raw[0] != '0');
        if (!canonicalDigits || !long.TryParse(raw, out long value) || value > MaxInteger)
        {
            throw new PolicyFormatException($"{path} must be an integer between 0 and {MaxInteger} written without fraction or exponent.");
        }

        return value;
    }

    private static string ReadString(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new PolicyFormatException($"{path} must be a string.");
        }

        return element.GetString()!;
    }

    private static JsonElement RequireMember(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new PolicyFormatException($"The member \"{name}\" is missing.");

    private static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException($"{path} must be an object.");
        }
    }

    private static void RequireArray(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new PolicyFormatException($"{path} must be an array.");
        }
    }

    private static void RequireKnownMembers(JsonElement obj, HashSet<string> known, string path)
    {
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new PolicyFormatException($"{path} has an unknown member \"{Truncate(property.Name)}\".");
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
