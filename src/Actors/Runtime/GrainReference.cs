using System.Reflection;
using Kms.Actors.Serialization;

namespace Kms.Actors.Runtime;

/// <summary>Sends grain calls somewhere: the silo's router (in-silo and silo-to-silo) or a cluster client's gateway
/// connection.</summary>
internal interface IGrainCallInvoker
{
    /// <summary>Calls <paramref name="method"/> on the grain <paramref name="target"/> names, with arguments already
    /// serialized; completes with the result's JSON (<see langword="null"/> for methods without a result).</summary>
    Task<byte[]?> InvokeAsync(GrainReference target, GrainMethod method, byte[] arguments);
}

/// <summary>What a grain proxy points at: an interface, a key, and the invoker that delivers calls.</summary>
internal sealed class GrainReference(GrainInterfaceRegistry registry, GrainInterface grainInterface, string key, IGrainCallInvoker invoker)
{
    public GrainInterfaceRegistry Registry { get; } = registry;

    public GrainInterface Interface { get; } = grainInterface;

    public string Key { get; } = key;

    public IGrainCallInvoker Invoker { get; } = invoker;

    public override string ToString() => $"{Interface.Name}/{Key}";
}

/// <summary>The proxy behind every grain reference handed to user code.</summary>
/// <remarks>DispatchProxy costs one argument array and a dictionary lookup per call, small next to the JSON copy;
/// the per-method work (return type adaptation, JSON contracts) is precompiled in <see cref="GrainMethod"/>.
/// Public and unsealed only because <see cref="DispatchProxy"/> requires it.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public class GrainProxy : DispatchProxy
{
    private GrainReference? _reference;

    internal GrainReference Reference => _reference ?? throw new InvalidOperationException("The grain proxy is not initialized.");

    internal static TGrainInterface Create<TGrainInterface>(GrainReference reference)
    {
        object proxy = DispatchProxy.Create(typeof(TGrainInterface), typeof(GrainProxy));
        ((GrainProxy)proxy)._reference = reference;
        return (TGrainInterface)proxy;
    }

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        GrainReference reference = Reference;
        GrainInterface owner = targetMethod.DeclaringType == reference.Interface.Type
            ? reference.Interface
            : reference.Registry.Get(targetMethod.DeclaringType!);
        if (!owner.MethodsByInfo.TryGetValue(targetMethod, out GrainMethod? method))
        {
            throw new NotSupportedException($"{targetMethod.DeclaringType}.{targetMethod.Name} is not a grain method (ToString, Equals and GetHashCode are not proxied).");
        }

        return method.ProxyInvoker(reference, args ?? []);
    }
}
