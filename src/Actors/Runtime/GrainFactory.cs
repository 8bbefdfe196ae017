using Kms.Actors.Serialization;

namespace Kms.Actors.Runtime;

/// <summary>Creates grain proxies bound to an invoker (a silo's router or a cluster client's gateway connection).</summary>
internal sealed class GrainFactory(GrainInterfaceRegistry registry, IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return GrainProxy.Create<TGrainInterface>(new GrainReference(registry, registry.Get(typeof(TGrainInterface)), key, invoker));
    }
}
