using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kms.Actors.Serialization;

/// <summary>A validated grain interface.</summary>
internal sealed class GrainInterface
{
    public GrainInterface(Type type)
    {
        Type = type;
        Name = type.FullName!;
    }

    /// <summary>The interface type.</summary>
    public Type Type { get; }

    /// <summary>Its wire name (full type name).</summary>
    public string Name { get; }

    public FrozenDictionary<string, GrainMethod> MethodsByName { get; set; } = FrozenDictionary<string, GrainMethod>.Empty;

    public FrozenDictionary<MethodInfo, GrainMethod> MethodsByInfo { get; set; } = FrozenDictionary<MethodInfo, GrainMethod>.Empty;
}

/// <summary>All grain interfaces a silo or client knows, validated against the registered JSON contexts at startup:
/// an interface that cannot be called fails the start, listing every offending method, instead of failing at its
/// first call.</summary>
internal sealed class GrainInterfaceRegistry
{
    private readonly FrozenDictionary<Type, GrainInterface> _byType;
    private readonly FrozenDictionary<string, GrainInterface> _byName;

    private GrainInterfaceRegistry(Dictionary<Type, GrainInterface> interfaces, JsonSerializerOptions jsonOptions)
    {
        _byType = interfaces.ToFrozenDictionary();
        _byName = interfaces.Values.ToFrozenDictionary(i => i.Name, StringComparer.Ordinal);
        JsonOptions = jsonOptions;
    }

    /// <summary>Options whose resolver chain is the registered contexts (no reflection fallback).</summary>
    public JsonSerializerOptions JsonOptions { get; }

    public IEnumerable<GrainInterface> Interfaces => _byType.Values;

    /// <summary>Builds the JSON options from the registered resolvers plus the built-in primitives.</summary>
    public static JsonSerializerOptions CreateJsonOptions(IEnumerable<IJsonTypeInfoResolver> resolvers)
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine([.. resolvers, BuiltInJsonContext.Default]),
            MaxDepth = 64,
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Validates <paramref name="interfaceTypes"/> (and the grain interfaces they extend).</summary>
    /// <exception cref="GrainInterfaceValidationException">Any interface is unusable; lists every problem.</exception>
    public static GrainInterfaceRegistry Create(IEnumerable<Type> interfaceTypes, JsonSerializerOptions jsonOptions)
    {
        var problems = new List<string>();
        var interfaces = new Dictionary<Type, GrainInterface>();
        // Grain classes contribute the grain interfaces they implement.
        foreach (Type type in interfaceTypes.SelectMany(t => (t.IsInterface ? [t] : Array.Empty<Type>()).Concat(t.GetInterfaces())).Distinct())
        {
            if (type == typeof(IGrain) || type == typeof(IGrainWithStringKey) || !typeof(IGrain).IsAssignableFrom(type))
            {
                continue;
            }

            if (!type.IsInterface || type.IsGenericType)
            {
                problems.Add($"{type}: grain interfaces must be non-generic interfaces.");
                continue;
            }

            var grainInterface = new GrainInterface(type);
            var methods = new Dictionary<string, GrainMethod>(StringComparer.Ordinal);
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (TryCreateMethod(grainInterface, method, jsonOptions, problems) is not { } created)
                {
                    continue;
                }

                if (!methods.TryAdd(method.Name, created))
                {
                    problems.Add($"{type.FullName}.{method.Name}: overloaded grain methods are not supported (methods are called by name).");
                }
            }

            grainInterface.MethodsByName = methods.ToFrozenDictionary(StringComparer.Ordinal);
            grainInterface.MethodsByInfo = methods.Values.ToFrozenDictionary(m => m.Method);
            interfaces[type] = grainInterface;
        }

        if (problems.Count > 0)
        {
            throw new GrainInterfaceValidationException(problems);
        }

        return new GrainInterfaceRegistry(interfaces, jsonOptions);
    }

    public GrainInterface Get(Type interfaceType)
        => _byType.TryGetValue(interfaceType, out GrainInterface? found)
            ? found
            : throw new ArgumentException($"{interfaceType} is not a registered grain interface.", nameof(interfaceType));

    public bool TryGet(string name, out GrainInterface? grainInterface) => _byName.TryGetValue(name, out grainInterface);

    /// <summary>Validates that <paramref name="type"/> can be serialized; returns its contract or adds a problem.</summary>
    public static JsonTypeInfo? TryGetTypeInfo(Type type, JsonSerializerOptions options, string what, List<string> problems)
    {
        try
        {
            return options.GetTypeInfo(type);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            problems.Add($"{what}: type {type} is not in any registered JSON serializer context ({ex.Message})");
            return null;
        }
    }

    private static GrainMethod? TryCreateMethod(GrainInterface owner, MethodInfo method, JsonSerializerOptions options, List<string> problems)
    {
        string where = $"{owner.Name}.{method.Name}";
        int before = problems.Count;
        if (method.IsGenericMethod)
        {
            problems.Add($"{where}: generic grain methods are not supported.");
        }

        Type returnType = method.ReturnType;
        ReturnKind kind;
        JsonTypeInfo? result = null;
        if (returnType == typeof(Task))
        {
            kind = ReturnKind.Task;
        }
        else if (returnType == typeof(ValueTask))
        {
            kind = ReturnKind.ValueTask;
        }
        else if (returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            kind = returnType.GetGenericTypeDefinition() == typeof(Task<>) ? ReturnKind.TaskOfT : ReturnKind.ValueTaskOfT;
            result = TryGetTypeInfo(returnType.GetGenericArguments()[0], options, $"{where} (return value)", problems);
        }
        else
        {
            problems.Add($"{where}: grain methods must return Task, Task<T>, ValueTask or ValueTask<T>, not {returnType}.");
            kind = ReturnKind.Task;
        }

        ParameterInfo[] parameters = method.GetParameters();
        var parameterInfos = new JsonTypeInfo[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            ParameterInfo parameter = parameters[i];
            if (parameter.ParameterType.IsByRef || parameter.IsOut)
            {
                problems.Add($"{where}: parameter '{parameter.Name}' is by reference; grain methods take values only.");
                continue;
            }

            parameterInfos[i] = TryGetTypeInfo(parameter.ParameterType, options, $"{where} (parameter '{parameter.Name}')", problems)!;
        }

        return problems.Count == before ? new GrainMethod(owner, method, parameterInfos, result, kind) : null;
    }
}
