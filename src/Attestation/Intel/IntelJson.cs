using System.Globalization;
using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>Typed accessors over Intel PCS JSON that turn every shape error into a Malformed <see cref="AttestationException"/>.</summary>
internal static class IntelJson
{
    public static JsonElement Get(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out JsonElement value))
        {
            throw AttestationException.Malformed($"Intel collateral lacks '{name}'.");
        }

        return value;
    }

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public static string String(JsonElement obj, string name)
    {
        JsonElement value = Get(obj, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw AttestationException.Malformed($"'{name}' is not a string.");
    }

    public static int Int(JsonElement obj, string name, int max = int.MaxValue)
    {
        JsonElement value = Get(obj, name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result) || result < 0 || result > max)
        {
            throw AttestationException.Malformed($"'{name}' is not an integer in [0, {max}].");
        }

        return result;
    }

    public static byte[] Hex(JsonElement obj, string name, int length)
    {
        string text = String(obj, name);
        if (text.Length != length * 2)
        {
            throw AttestationException.Malformed($"'{name}' is not {length} bytes of hex.");
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"'{name}' is not hex.", ex);
        }
    }

    public static DateTimeOffset Date(JsonElement obj, string name)
    {
        string text = String(obj, name);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw AttestationException.Malformed($"'{name}' is not a date.");
    }

    public static JsonElement.ArrayEnumerator Array(JsonElement obj, string name)
    {
        JsonElement value = Get(obj, name);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw AttestationException.Malformed($"'{name}' is not an array.");
    }

    public static TcbStatus Status(JsonElement obj)
    {
        string text = String(obj, "tcbStatus");
        return text switch
        {
            "UpToDate" => TcbStatus.UpToDate,
            "SWHardeningNeeded" => TcbStatus.SWHardeningNeeded,
            "ConfigurationNeeded" => TcbStatus.ConfigurationNeeded,
            "ConfigurationAndSWHardeningNeeded" => TcbStatus.ConfigurationAndSWHardeningNeeded,
            "OutOfDate" => TcbStatus.OutOfDate,
            "OutOfDateConfigurationNeeded" => TcbStatus.OutOfDateConfigurationNeeded,
            "Revoked" => TcbStatus.Revoked,
            _ => throw AttestationException.Malformed($"Unknown tcbStatus '{text}'."),
        };
    }

    public static IReadOnlyList<string> Advisories(JsonElement obj)
    {
        if (!TryGet(obj, "advisoryIDs", out JsonElement ids))
        {
            return [];
        }

        if (ids.ValueKind != JsonValueKind.Array)
        {
            throw AttestationException.Malformed("'advisoryIDs' is not an array.");
        }

        List<string> result = [];
        foreach (JsonElement id in ids.EnumerateArray())
        {
            result.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : throw AttestationException.Malformed("An advisory id is not a string."));
        }

        return result;
    }

    /// <summary>The 16 component SVNs of a TCB info v3 level ("sgxtcbcomponents", "tdxtcbcomponents": arrays of {"svn": n}).</summary>
    public static byte[] Components(JsonElement tcb, string name)
    {
        byte[] svns = new byte[16];
        int count = 0;
        foreach (JsonElement component in Array(tcb, name))
        {
            if (count == 16)
            {
                throw AttestationException.Malformed($"'{name}' has more than 16 components.");
            }

            svns[count++] = (byte)Int(component, "svn", byte.MaxValue);
        }

        return count == 16 ? svns : throw AttestationException.Malformed($"'{name}' has {count} components, not 16.");
    }

    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"The {what} is not valid JSON.", ex);
        }
    }
}
