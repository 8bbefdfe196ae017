namespace Kms.Actors;

/// <summary>Names the grain type of a grain class (the first half of its <see cref="GrainId"/>). Without it the
/// grain type is the class's full name. Changing it changes every grain id of the class, and so their stored state.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Places a grain on the silo named by its key, and nowhere else: the key is the silo name, optionally
/// followed by <c>/</c> and anything (e.g. <c>silo-2/share</c>). A call for such a grain is forwarded to that silo;
/// if that silo is not Active, the call fails with <see cref="SiloUnavailableException"/> — the grain never
/// activates elsewhere (key-share grains hold material that must not move).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PinnedToSiloAttribute : Attribute
{
    /// <summary>Returns the silo name a pinned grain's key designates.</summary>
    public static string SiloNameOf(string key)
    {
        int slash = key.IndexOf('/');
        return slash < 0 ? key : key[..slash];
    }
}

/// <summary>Injects an <see cref="IPersistentState{TState}"/> into a grain constructor parameter.</summary>
/// <param name="stateName">Name of the state within the grain (a grain may have several).</param>
/// <param name="storageName">Name of the storage provider (see <c>SiloOptions.StorageProviders</c>).</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorageName) : Attribute
{
    /// <summary>The name of the default storage provider.</summary>
    public const string DefaultStorageName = "Default";

    /// <summary>Name of the state within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>Name of the storage provider.</summary>
    public string StorageName { get; } = storageName;
}
