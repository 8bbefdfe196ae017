using System.Collections.Concurrent;
using System.Security.Cryptography;
using Kms.Api;
using Kms.Api.Admin;

namespace Kms.Silo.Tests.Admin;

/// <summary>Admin keys held in memory, for tests (the silo's store reads the cluster grain).</summary>
internal sealed class InMemoryAdminKeyStore : IAdminKeyStore
{
    private readonly ConcurrentDictionary<string, AdminPublicKey> _keys = new(StringComparer.Ordinal);

    public void Add(string keyId, ECDsa key) =>
        _keys[keyId] = new AdminPublicKey(keyId, key.ExportSubjectPublicKeyInfo());

    public ValueTask<AdminPublicKey?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryGetValue(keyId, out AdminPublicKey? key) ? key : null);
}

/// <summary>A clock that only moves when told to.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public DateTimeOffset Now
    {
        get => _now;
        set => _now = value;
    }

    public override DateTimeOffset GetUtcNow() => _now;
}

/// <summary>Changes or records requests after they were signed, before they go on the wire.</summary>
internal sealed class TamperingHandler(Func<HttpRequestMessage, Task> tamper) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await tamper(request);
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A readiness probe that is always ready.</summary>
internal sealed class ReadyProbe : IReadinessProbe
{
    public ValueTask<ReadinessReport> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadinessReport.Ready);
}
