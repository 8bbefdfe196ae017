using System.Text;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.Abi;

/// <summary>
/// A contract event: topic0 = keccak256(signature); indexed parameters come from topics 1..3 (dynamic indexed values
/// only as their keccak hash), the others from the log data.
/// </summary>
public sealed class AbiEvent
{
    private readonly byte[] _topic;

    private AbiEvent(string name, IReadOnlyList<AbiType> parameters, IReadOnlyList<bool> indexed)
    {
        Name = name;
        Parameters = parameters;
        Indexed = indexed;
        Signature = name + "(" + string.Join(",", parameters.Select(t => t.CanonicalName)) + ")";
        _topic = Keccak256.HashData(Encoding.ASCII.GetBytes(Signature));
    }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>Parameter types in declaration order.</summary>
    public IReadOnlyList<AbiType> Parameters { get; }

    /// <summary>Whether each parameter is indexed.</summary>
    public IReadOnlyList<bool> Indexed { get; }

    /// <summary>The canonical signature.</summary>
    public string Signature { get; }

    /// <summary>topic0: keccak256 of the signature.</summary>
    public ReadOnlySpan<byte> Topic => _topic;

    /// <summary>Parses <c>Name(type [indexed] [name], …)</c>.</summary>
    public static AbiEvent Parse(string declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        string text = declaration.Trim();
        if (text.StartsWith("event ", StringComparison.Ordinal))
        {
            text = text["event ".Length..];
        }

        int open = text.IndexOf('(');
        if (open <= 0 || !text.EndsWith(')') || !AbiFunction.IsIdentifier(text.AsSpan(0, open)))
        {
            throw new FormatException($"'{declaration}' is not an event signature.");
        }

        var types = new List<AbiType>();
        var indexed = new List<bool>();
        foreach (string parameter in SplitTopLevel(text[(open + 1)..^1]))
        {
            string[] words = parameter.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length is 0 or > 3 || (words.Length >= 2 && words[1] != "indexed" && words.Length == 3))
            {
                throw new FormatException($"Malformed event parameter '{parameter}'.");
            }

            types.Add(AbiType.Parse(words[0]));
            indexed.Add(words.Length >= 2 && words[1] == "indexed");
        }

        if (indexed.Count(i => i) > 3)
        {
            throw new FormatException("An event has at most 3 indexed parameters.");
        }

        return new AbiEvent(text[..open], types, indexed);
    }

    /// <summary>Whether a log's topic0 is this event's topic.</summary>
    public bool Matches(IReadOnlyList<byte[]> topics) => topics.Count > 0 && topics[0].AsSpan().SequenceEqual(_topic);

    /// <summary>Decodes a log of this event into its parameters (declaration order).</summary>
    /// <exception cref="AbiDecodingException">Wrong topic0, wrong topic count, or malformed data.</exception>
    public object?[] Decode(IReadOnlyList<byte[]> topics, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (!Matches(topics))
        {
            throw new AbiDecodingException($"The log is not a {Signature} event.");
        }

        int indexedCount = Indexed.Count(i => i);
        if (topics.Count != indexedCount + 1)
        {
            throw new AbiDecodingException($"{Signature} has {indexedCount} indexed parameters but the log has {topics.Count - 1} topics.");
        }

        object?[] nonIndexed = AbiDecoder.Decode(Parameters.Where((_, i) => !Indexed[i]).ToArray(), data);
        var result = new object?[Parameters.Count];
        int topic = 1;
        int dataIndex = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (!Indexed[i])
            {
                result[i] = nonIndexed[dataIndex++];
                continue;
            }

            byte[] word = topics[topic++];
            if (word.Length != 32)
            {
                throw new AbiDecodingException("A topic is not 32 bytes.");
            }

            AbiType type = Parameters[i];
            bool hashed = type.IsDynamic || type.Kind is AbiTypeKind.Tuple or AbiTypeKind.FixedArray;
            result[i] = hashed ? word.ToArray() : AbiDecoder.DecodeWord(type, word);
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => Signature;

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        if (text.Trim().Length == 0)
        {
            yield break;
        }

        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
