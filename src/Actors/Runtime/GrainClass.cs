using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kms.Actors.Serialization;
using Kms.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Actors.Runtime;

/// <summary>A registered grain class: its grain type name, placement, and a validated constructor plan.</summary>
internal sealed class GrainClass
{
    private readonly ConstructorInfo _constructor;
    private readonly Func<IServiceProvider, IGrainContext, (object? Value, IPersistentStateLoader? State)>[] _arguments;

    private GrainClass(Type type, string grainType, bool pinned, ConstructorInfo constructor,
        Func<IServiceProvider, IGrainContext, (object?, IPersistentStateLoader?)>[] arguments)
    {
        Type = type;
        GrainType = grainType;
        IsPinnedToSilo = pinned;
        _constructor = constructor;
        _arguments = arguments;
    }

    public Type Type { get; }

    /// <summary>The grain type part of the grain ids of this class.</summary>
    public string GrainType { get; }

    /// <summary>Whether <see cref="PinnedToSiloAttribute"/> places it.</summary>
    public bool IsPinnedToSilo { get; }

    /// <summary>Constructs a grain, resolving services and creating its persistent states (not loaded yet).</summary>
    public (Grain Grain, IPersistentStateLoader[] States) Create(IServiceProvider services, IGrainContext context)
    {
        var values = new object?[_arguments.Length];
        var states = new List<IPersistentStateLoader>();
        for (int i = 0; i < _arguments.Length; i++)
        {
            (values[i], IPersistentStateLoader? state) = _arguments[i](services, context);
            if (state is not null)
            {
                states.Add(state);
            }
        }

        var grain = (Grain)_constructor.Invoke(values);
        grain.Attach(context);
        return (grain, [.. states]);
    }

    /// <summary>Validates a grain class: a single public constructor whose persistent-state parameters name
    /// registered storage providers and serializable state types.</summary>
    public static GrainClass? TryCreate(Type type, JsonSerializerOptions jsonOptions, IReadOnlyDictionary<string, IGrainStorage> storage, List<string> problems)
    {
        int before = problems.Count;
        if (!typeof(Grain).IsAssignableFrom(type) || type.IsAbstract || type.IsGenericTypeDefinition)
        {
            problems.Add($"{type}: grain classes must be concrete, non-generic subclasses of Kms.Actors.Grain.");
            return null;
        }

        ConstructorInfo[] constructors = type.GetConstructors();
        if (constructors.Length != 1)
        {
            problems.Add($"{type}: grain classes must have exactly one public constructor.");
            return null;
        }

        var arguments = new List<Func<IServiceProvider, IGrainContext, (object?, IPersistentStateLoader?)>>();
        var stateNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterInfo parameter in constructors[0].GetParameters())
        {
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not { } attribute)
            {
                Type serviceType = parameter.ParameterType;
                arguments.Add((services, _) => (services.GetRequiredService(serviceType), null));
                continue;
            }

            Type parameterType = parameter.ParameterType;
            if (!parameterType.IsGenericType || parameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                problems.Add($"{type}: parameter '{parameter.Name}' has [PersistentState] but is not an IPersistentState<T>.");
                continue;
            }

            if (!stateNames.Add(attribute.StateName))
            {
                problems.Add($"{type}: state name '{attribute.StateName}' is used twice.");
            }

            if (!storage.TryGetValue(attribute.StorageName, out IGrainStorage? provider))
            {
                problems.Add($"{type}: parameter '{parameter.Name}' uses storage provider '{attribute.StorageName}', which is not registered.");
                continue;
            }

            Type stateType = parameterType.GetGenericArguments()[0];
            if (GrainInterfaceRegistry.TryGetTypeInfo(stateType, jsonOptions, $"{type} (state '{attribute.StateName}')", problems) is not { } typeInfo)
            {
                continue;
            }

            arguments.Add(typeof(GrainClass).GetMethod(nameof(StateArgument), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(stateType)
                .CreateDelegate<Func<string, IGrainStorage, JsonTypeInfo, Func<IServiceProvider, IGrainContext, (object?, IPersistentStateLoader?)>>>()
                (attribute.StateName, provider, typeInfo));
        }

        if (problems.Count != before)
        {
            return null;
        }

        string grainType = type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? type.FullName!;
        return new GrainClass(type, grainType, type.IsDefined(typeof(PinnedToSiloAttribute)), constructors[0], [.. arguments]);
    }

    private static Func<IServiceProvider, IGrainContext, (object?, IPersistentStateLoader?)> StateArgument<TState>(string stateName, IGrainStorage storage, JsonTypeInfo typeInfo)
        where TState : new()
    {
        var typed = (JsonTypeInfo<TState>)typeInfo;
        return (_, context) =>
        {
            var state = new PersistentState<TState>(context, stateName, storage, typed);
            return (state, state);
        };
    }
}

/// <summary>The grain classes of a silo, indexed by grain type and by the grain interfaces they implement.</summary>
internal sealed class GrainClassRegistry
{
    private readonly FrozenDictionary<Type, GrainClass> _byInterface;

    private GrainClassRegistry(Dictionary<Type, GrainClass> byInterface) => _byInterface = byInterface.ToFrozenDictionary();

    public static GrainClassRegistry Create(IEnumerable<Type> grainClasses, GrainInterfaceRegistry interfaces, IReadOnlyDictionary<string, IGrainStorage> storage)
    {
        var problems = new List<string>();
        var byInterface = new Dictionary<Type, GrainClass>();
        var grainTypes = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (Type type in grainClasses.Distinct())
        {
            if (GrainClass.TryCreate(type, interfaces.JsonOptions, storage, problems) is not { } grainClass)
            {
                continue;
            }

            if (!grainTypes.TryAdd(grainClass.GrainType, type))
            {
                problems.Add($"{type}: grain type '{grainClass.GrainType}' is also used by {grainTypes[grainClass.GrainType]}.");
            }

            foreach (Type grainInterface in type.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i) && i != typeof(IGrain) && i != typeof(IGrainWithStringKey)))
            {
                if (!byInterface.TryAdd(grainInterface, grainClass))
                {
                    problems.Add($"{grainInterface}: implemented by both {byInterface[grainInterface].Type} and {type}; one class per grain interface.");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new GrainInterfaceValidationException(problems);
        }

        return new GrainClassRegistry(byInterface);
    }

    public bool TryGetByInterface(Type grainInterface, out GrainClass? grainClass) => _byInterface.TryGetValue(grainInterface, out grainClass);
}
