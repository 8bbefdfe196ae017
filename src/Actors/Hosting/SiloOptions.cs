using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization.Metadata;
using Kms.Actors.GrainDirectory;
using Kms.Actors.Membership;
using Kms.Actors.Storage;

namespace Kms.Actors.Hosting;

/// <summary>Configuration of a silo: identity, endpoint, grains, JSON contexts, storage, cluster services, timings.</summary>
public sealed class SiloOptions
{
    /// <summary>Name of the silo, unique among live silos; pinned grains' keys name it. Default: the machine name.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>IP address the silo transport listens on and advertises. Default 127.0.0.1 (without
    /// <see cref="ClusterCertificate"/> the transport has no TLS and must stay on loopback).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port of the silo transport; 0 (default) takes a free port, readable from <see cref="ISiloStatus.Address"/>.</summary>
    public int Port { get; set; }

    /// <summary>The cluster certificate (with private key). When set, the silo transport uses mutual TLS 1.3: the silo
    /// presents it and accepts only silos and clients presenting the same certificate. Default <see langword="null"/>:
    /// h2c without TLS, for loopback and development only.</summary>
    public X509Certificate2? ClusterCertificate { get; set; }

    /// <summary>Grain classes hosted by this silo.</summary>
    public IList<Type> GrainClasses { get; } = [];

    /// <summary>Additional grain interfaces to validate and expose (those of <see cref="GrainClasses"/> are added
    /// automatically).</summary>
    public IList<Type> GrainInterfaces { get; } = [];

    /// <summary>JSON contracts for grain method parameters, results and states (source-generated
    /// <c>JsonSerializerContext</c>s). Common primitives are built in. Nothing is serialized by reflection.</summary>
    public IList<IJsonTypeInfoResolver> JsonContexts { get; } = [];

    /// <summary>Storage providers by name (<see cref="PersistentStateAttribute.StorageName"/>). Default: none; use
    /// <see cref="UseMemoryStorage"/> or <see cref="UseFileStorage"/>.</summary>
    public IDictionary<string, IGrainStorage> StorageProviders { get; } = new Dictionary<string, IGrainStorage>(StringComparer.Ordinal);

    /// <summary>The membership table. Default: a private in-memory table (a one-silo cluster).</summary>
    public IMembershipTable? MembershipTable { get; set; }

    /// <summary>The grain directory. Default: a private in-memory directory (a one-silo cluster).</summary>
    public IGrainDirectory? GrainDirectory { get; set; }

    /// <summary>Idle activation collection.</summary>
    public GrainCollectionOptions Collection { get; } = new();

    /// <summary>Call timeouts and forwarding.</summary>
    public GrainCallOptions Calls { get; } = new();

    /// <summary>Membership timings.</summary>
    public MembershipOptions Membership { get; } = new();

    /// <summary>Clock for timeouts and collection. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Registers a grain class.</summary>
    public SiloOptions AddGrain<TGrain>()
        where TGrain : Grain
    {
        GrainClasses.Add(typeof(TGrain));
        return this;
    }

    /// <summary>Registers a JSON serializer context (or any resolver).</summary>
    public SiloOptions AddJsonContext(IJsonTypeInfoResolver context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JsonContexts.Add(context);
        return this;
    }

    /// <summary>Uses process-memory storage under <paramref name="name"/> (tests; lost on restart).</summary>
    public SiloOptions UseMemoryStorage(string name = PersistentStateAttribute.DefaultStorageName)
    {
        StorageProviders[name] = new InMemoryGrainStorage();
        return this;
    }

    /// <summary>Uses one-file-per-state storage in <paramref name="directory"/> under <paramref name="name"/>,
    /// sealed with AES-256-GCM when <paramref name="storageKey"/> (32 bytes) is given.</summary>
    public SiloOptions UseFileStorage(string directory, byte[]? storageKey = null, string name = PersistentStateAttribute.DefaultStorageName)
    {
        StorageProviders[name] = new FileGrainStorage(new FileGrainStorageOptions { Directory = directory, StorageKey = storageKey });
        return this;
    }
}

/// <summary>Idle activation collection (Orleans' <c>GrainCollectionOptions</c>).</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>An activation idle (no queued or running call) for this long is deactivated. Default 15 minutes
    /// (Orleans' default); use less for grains holding secrets.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default 1 minute.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest time <see cref="Grain.OnActivateAsync"/> or <see cref="Grain.OnDeactivateAsync"/> may take
    /// before its cancellation token fires. Default 30 seconds.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Grain call behaviour (Orleans' <c>MessagingOptions</c>/<c>SiloMessagingOptions</c>).</summary>
public sealed class GrainCallOptions
{
    /// <summary>How long a caller waits for a grain call before <see cref="GrainCallTimeoutException"/>. Default
    /// 10 seconds (shorter than Orleans' 30 s: KMS calls are short and callers retry).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times silos may forward one call to another silo. Default 2 (Orleans' MaxForwardCount).</summary>
    public int MaxForwardCount { get; set; } = 2;

    /// <summary>Largest request or response body accepted by the silo transport. Default 4 MiB.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;
}

/// <summary>Membership timings.</summary>
public sealed class MembershipOptions
{
    /// <summary>How often a silo re-reads the membership table. Default 5 seconds (a small cluster; Orleans uses 60 s
    /// with gossip). In-memory tables also push changes at once.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopping silo keeps its transport open after writing its Dead status, answering new
    /// requests with "unavailable" (which callers retry elsewhere) while peers learn that it is gone, so that no
    /// request races the closing connections. Default 2 seconds (peers using in-memory tables learn at once; table
    /// readers learn within <see cref="RefreshPeriod"/>, and their calls meanwhile are retried on refusal).</summary>
    public TimeSpan ShutdownDrainTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a silo writes its heartbeat. Default 10 seconds.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(10);
}
