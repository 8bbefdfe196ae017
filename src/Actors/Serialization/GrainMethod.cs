using System.Buffers;
using Kms.Actors.Runtime;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kms.Actors.Serialization;

/// <summary>How a grain interface method returns.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>A validated grain interface method: its JSON contracts and the two compiled delegates that call it — the
/// proxy side (arguments → request → typed task) and the grain side (request → grain method → result JSON).</summary>
internal sealed class GrainMethod
{
    private static readonly byte[] s_emptyArguments = "[]"u8.ToArray();
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly JsonTypeInfo[] _parameters;

    public GrainMethod(GrainInterface owner, MethodInfo method, JsonTypeInfo[] parameters, JsonTypeInfo? result, ReturnKind returnKind)
    {
        Interface = owner;
        Method = method;
        Name = method.Name;
        _parameters = parameters;
        Result = result;
        ReturnKind = returnKind;
        GrainInvoker = GrainMethodCompiler.CompileGrainInvoker(this);
        ProxyInvoker = GrainMethodCompiler.CreateProxyInvoker(this);
    }

    public GrainInterface Interface { get; }

    public MethodInfo Method { get; }

    public string Name { get; }

    public JsonTypeInfo? Result { get; }

    public ReturnKind ReturnKind { get; }

    public int ParameterCount => _parameters.Length;

    /// <summary>Calls the method on a grain instance with decoded arguments; completes with the result's JSON
    /// (<see langword="null"/> for methods without a result).</summary>
    public Func<object, object?[], ValueTask<byte[]?>> GrainInvoker { get; }

    /// <summary>Implements the method on a proxy: returns the Task/ValueTask the interface declares.</summary>
    public Func<GrainReference, object?[], object> ProxyInvoker { get; }

    public override string ToString() => $"{Interface.Name}.{Name}";

    /// <summary>Serializes arguments to a JSON array.</summary>
    /// <remarks>Every call — in-silo included — copies its arguments and its result through JSON. That is what
    /// isolates caller and grain: neither can see the other mutate an object afterwards, and a grain cannot leak a
    /// reference to its state. Documented immutability would be cheaper but is unenforceable for arbitrary user
    /// types (records with mutable collections, byte arrays). The copy of small messages costs a few hundred
    /// nanoseconds, within the in-silo budget (bench/Kms.Benchmarks/Actors), and in-silo and cross-silo calls then
    /// see exactly the same semantics.</remarks>
    public byte[] EncodeArguments(object?[] arguments)
    {
        if (_parameters.Length == 0)
        {
            return s_emptyArguments;
        }

        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        Utf8JsonWriter writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartArray();
        for (int i = 0; i < _parameters.Length; i++)
        {
            JsonSerializer.Serialize(writer, arguments[i], _parameters[i]);
        }

        writer.WriteEndArray();
        writer.Flush();
        byte[] encoded = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            t_buffer = null; // do not pin a large buffer to the thread
            t_writer = null;
        }

        return encoded;
    }

    /// <summary>Deserializes a JSON array of exactly this method's parameters.</summary>
    /// <exception cref="JsonException">The arguments are malformed or do not match the parameters.</exception>
    public object?[] DecodeArguments(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Arguments of {this} must be a JSON array.");
        }

        object?[] arguments = _parameters.Length == 0 ? [] : new object?[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                throw new JsonException($"{this} takes {_parameters.Length} arguments; fewer were sent.");
            }

            arguments[i] = JsonSerializer.Deserialize(ref reader, _parameters[i]);
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray || reader.Read())
        {
            throw new JsonException($"{this} takes {_parameters.Length} arguments; more were sent, or trailing data.");
        }

        return arguments;
    }
}
