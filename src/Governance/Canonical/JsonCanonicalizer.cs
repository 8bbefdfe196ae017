using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kms.Governance.Canonical;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme: members sorted by the UTF-16 code units of their names, no
/// insignificant whitespace, ECMAScript number formatting and the minimal string escaping of §3.2.2.2.
/// Input must be I-JSON (RFC 7493): duplicate member names, lone surrogates and numbers beyond IEEE-754
/// double range are rejected with <see cref="JsonCanonicalizationException"/>.
/// </summary>
public static class JsonCanonicalizer
{
    /// <summary>The default maximum nesting depth of arrays and objects.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The largest depth limit accepted (the canonicalizer recurses once per level).</summary>
    public const int MaxSupportedDepth = 512;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Canonicalizes UTF-8 JSON text.</summary>
    /// <exception cref="JsonCanonicalizationException">The text is not I-JSON or nests deeper than <paramref name="maxDepth"/>.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json, int maxDepth = DefaultMaxDepth)
    {
        JsonValueNode root = Parse(utf8Json, maxDepth);
        var output = new ArrayBufferWriter<byte>(Math.Max(16, utf8Json.Length));
        Write(root, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Canonicalizes a parsed JSON element (its raw text is re-read so duplicates are still caught).</summary>
    /// <exception cref="JsonCanonicalizationException">The element is not I-JSON.</exception>
    public static byte[] Canonicalize(JsonElement element, int maxDepth = DefaultMaxDepth) =>
        Canonicalize(Encoding.UTF8.GetBytes(element.GetRawText()), maxDepth);

    /// <summary>Canonicalizes a JSON node; <see langword="null"/> is the JSON literal null.</summary>
    /// <exception cref="JsonCanonicalizationException">The node holds a lone surrogate or a non-finite number.</exception>
    public static byte[] Canonicalize(JsonNode? node, int maxDepth = DefaultMaxDepth)
    {
        // System.Text.Json's writer silently replaces lone surrogates with U+FFFD, so check the strings first.
        ThrowIfInvalidStrings(node, 0, maxDepth);
        string text;
        try
        {
            text = node is null ? "null" : node.ToJsonString();
        }
        catch (ArgumentException ex)
        {
            // System.Text.Json refuses to write NaN/Infinity or invalid UTF-16 by default.
            throw new JsonCanonicalizationException(JsonCanonicalizationError.NumberOutOfRange, "The node holds a value with no JSON representation.", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonCanonicalizationException(JsonCanonicalizationError.InvalidString, "The node holds a value with no JSON representation.", ex);
        }

        return Canonicalize(Encoding.UTF8.GetBytes(text), maxDepth);
    }

    /// <summary>Canonicalizes UTF-8 JSON text and returns it as a string.</summary>
    public static string CanonicalizeToString(ReadOnlySpan<byte> utf8Json, int maxDepth = DefaultMaxDepth) =>
        Encoding.UTF8.GetString(Canonicalize(utf8Json, maxDepth));

    private static void ThrowIfInvalidStrings(JsonNode? node, int depth, int maxDepth)
    {
        switch (node)
        {
            case JsonObject obj:
                ThrowIfTooDeep(depth + 1, maxDepth);
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    ThrowIfLoneSurrogate(member.Key);
                    ThrowIfInvalidStrings(member.Value, depth + 1, maxDepth);
                }

                break;
            case JsonArray array:
                ThrowIfTooDeep(depth + 1, maxDepth);
                foreach (JsonNode? item in array)
                {
                    ThrowIfInvalidStrings(item, depth + 1, maxDepth);
                }

                break;
            case JsonValue value when value.TryGetValue(out string? text):
                ThrowIfLoneSurrogate(text);
                break;
        }
    }

    private static void ThrowIfLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new JsonCanonicalizationException(JsonCanonicalizationError.InvalidString, "A string holds a lone surrogate.");
            }
        }
    }

    private static JsonValueNode Parse(ReadOnlySpan<byte> utf8Json, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxSupportedDepth);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            // The reader's own limit stays above ours so that depth errors are ours and typed.
            MaxDepth = maxDepth + 1,
        });

        try
        {
            if (!reader.Read())
            {
                throw new JsonCanonicalizationException(JsonCanonicalizationError.MalformedJson, "The input holds no JSON value.");
            }

            JsonValueNode root = ReadValue(ref reader, 0, maxDepth);
            if (reader.Read())
            {
                throw new JsonCanonicalizationException(JsonCanonicalizationError.MalformedJson, "Content follows the JSON value.");
            }

            return root;
        }
        catch (JsonException ex)
        {
            throw new JsonCanonicalizationException(
                JsonCanonicalizationError.MalformedJson,
                $"Malformed JSON at byte {reader.BytesConsumed}: {ex.Message}",
                ex);
        }
    }

    private static JsonValueNode ReadValue(ref Utf8JsonReader reader, int depth, int maxDepth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, depth + 1, maxDepth);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, depth + 1, maxDepth);
            case JsonTokenType.String:
                return new JsonStringNode(ReadString(ref reader));
            case JsonTokenType.Number:
                return new JsonNumberNode(ReadNumber(ref reader));
            case JsonTokenType.True:
                return JsonLiteralNode.True;
            case JsonTokenType.False:
                return JsonLiteralNode.False;
            case JsonTokenType.Null:
                return JsonLiteralNode.Null;
            default:
                throw new JsonCanonicalizationException(JsonCanonicalizationError.MalformedJson, $"Unexpected token {reader.TokenType}.");
        }
    }

    private static JsonObjectNode ReadObject(ref Utf8JsonReader reader, int depth, int maxDepth)
    {
        ThrowIfTooDeep(depth, maxDepth);
        var members = new List<KeyValuePair<string, JsonValueNode>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = ReadString(ref reader);
            if (!names.Add(name))
            {
                throw new JsonCanonicalizationException(
                    JsonCanonicalizationError.DuplicateMemberName,
                    $"Duplicate member name at byte {reader.TokenStartIndex}.");
            }

            reader.Read();
            members.Add(new(name, ReadValue(ref reader, depth, maxDepth)));
        }

        // Ordinal string comparison is a comparison of UTF-16 code units, as RFC 8785 §3.2.3 requires.
        members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new JsonObjectNode(members);
    }

    private static JsonArrayNode ReadArray(ref Utf8JsonReader reader, int depth, int maxDepth)
    {
        ThrowIfTooDeep(depth, maxDepth);
        var items = new List<JsonValueNode>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(ReadValue(ref reader, depth, maxDepth));
        }

        return new JsonArrayNode(items);
    }

    private static void ThrowIfTooDeep(int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            throw new JsonCanonicalizationException(JsonCanonicalizationError.TooDeep, $"The JSON value nests deeper than {maxDepth} levels.");
        }
    }

    private static double ReadNumber(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new JsonCanonicalizationException(
                JsonCanonicalizationError.NumberOutOfRange,
                $"The number at byte {reader.TokenStartIndex} is outside the IEEE-754 double range.");
        }

        return value;
    }

    /// <summary>Unescapes a string token strictly: valid UTF-8 only, surrogate escapes only in pairs.</summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        try
        {
            return reader.ValueIsEscaped ? JsonStringUnescaper.Unescape(raw, s_strictUtf8) : s_strictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException ex)
        {
            throw new JsonCanonicalizationException(
                JsonCanonicalizationError.InvalidString,
                $"The string at byte {reader.TokenStartIndex} is not valid UTF-8.",
                ex);
        }
        catch (FormatException ex)
        {
            throw new JsonCanonicalizationException(
                JsonCanonicalizationError.InvalidString,
                $"The string at byte {reader.TokenStartIndex} is invalid: {ex.Message}",
                ex);
        }
    }

    private static void Write(JsonValueNode node, IBufferWriter<byte> output)
    {
        switch (node)
        {
            case JsonObjectNode obj:
                WriteAscii(output, "{");
                for (int i = 0; i < obj.Members.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteAscii(output, ",");
                    }

                    CanonicalStringWriter.Write(obj.Members[i].Key, output);
                    WriteAscii(output, ":");
                    Write(obj.Members[i].Value, output);
                }

                WriteAscii(output, "}");
                break;
            case JsonArrayNode array:
                WriteAscii(output, "[");
                for (int i = 0; i < array.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteAscii(output, ",");
                    }

                    Write(array.Items[i], output);
                }

                WriteAscii(output, "]");
                break;
            case JsonStringNode str:
                CanonicalStringWriter.Write(str.Value, output);
                break;
            case JsonNumberNode number:
                WriteAscii(output, EcmaScriptNumberFormatter.Format(number.Value));
                break;
            case JsonLiteralNode literal:
                WriteAscii(output, literal.Text);
                break;
        }
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        Span<byte> span = output.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    private abstract class JsonValueNode;

    private sealed class JsonObjectNode(List<KeyValuePair<string, JsonValueNode>> members) : JsonValueNode
    {
        public List<KeyValuePair<string, JsonValueNode>> Members { get; } = members;
    }

    private sealed class JsonArrayNode(List<JsonValueNode> items) : JsonValueNode
    {
        public List<JsonValueNode> Items { get; } = items;
    }

    private sealed class JsonStringNode(string value) : JsonValueNode
    {
        public string Value { get; } = value;
    }

    private sealed class JsonNumberNode(double value) : JsonValueNode
    {
        public double Value { get; } = value;
    }

    private sealed class JsonLiteralNode(string text) : JsonValueNode
    {
        public static readonly JsonLiteralNode True = new("true");
        public static readonly JsonLiteralNode False = new("false");
        public static readonly JsonLiteralNode Null = new("null");

        public string Text { get; } = text;
    }
}
