namespace Kms.Actors;

/// <summary>Creates references to grains. A reference is cheap, does not activate anything, and may be kept.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with key
    /// <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The interface is not a registered grain interface.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}

/// <summary>A grain factory for trusted .NET services outside the silo process: calls go to the cluster over the silo
/// transport through one of the configured gateway silos.</summary>
/// <remarks>Registrations are validated when the client is created; connections are opened on the first call.</remarks>
public interface IClusterClient : IGrainFactory, IAsyncDisposable;
