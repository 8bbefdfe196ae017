using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Kms.Client.Cluster;
using Kms.Grains;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Kms.Silo.Tests.Cluster;

/// <summary>
/// Silos as separate <c>kms-silo</c> processes on loopback that share a store, one cluster CA and one storage key,
/// and an Orleans client (this test process) that reaches them with mutual TLS.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ProcessClusterFixture : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestClusterCertificates _certificates;
    private readonly byte[] _storageKey = RandomNumberGenerator.GetBytes(32);
    private readonly string[] _storeArgs;
    private readonly Dictionary<string, string[]> _args = [];
    private ServiceProvider? _client;

    public ProcessClusterFixture(string clusterId, string[] storeArgs)
    {
        ClusterId = clusterId;
        _storeArgs = storeArgs;
        _certificates = new TestClusterCertificates(_directory.Combine("tls"));
    }

    public string ClusterId { get; }

    public Dictionary<string, SiloProcess> Silos { get; } = [];

    public IClusterClient Client => _client!.GetRequiredService<IClusterClient>();

    /// <summary>Starts a silo process (again, under the same name and ports, after it died).</summary>
    public SiloProcess Start(string name)
    {
        if (!_args.TryGetValue(name, out string[]? args))
        {
            args =
            [
                .. ProductionSiloArguments.Create(_directory.Path, _certificates, ClusterId, name, FreePorts.Next(), _storageKey),
                "--advertised-address", "127.0.0.1", .. _storeArgs,
            ];
            int siloPort = Array.IndexOf(args, "--silo-port") + 1;
            args[siloPort] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            _args[name] = args;
        }

        SiloProcess silo = SiloProcess.Start(name, _directory.Path, args);
        Silos[name] = silo;
        return silo;
    }

    /// <summary>Starts the test process's Orleans client; <paramref name="configure"/> adds the store's gateway list.</summary>
    public async Task ConnectClientAsync(Action<KmsClusterClientOptions> configure)
    {
        (string certificate, string key) = _certificates.Issue("test-client");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddKmsClusterClient(options =>
        {
            options.ClusterId = ClusterId;
            options.Tls.CertificateFile = certificate;
            options.Tls.KeyFile = key;
            options.Tls.CaFile = _certificates.CaFile;
            configure(options);
        }, client => client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(5)));
        _client = services.BuildServiceProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (IHostedService service in _client.GetServices<IHostedService>())
        {
            await service.StartAsync(timeout.Token);
        }
    }

    /// <summary>Probes every key once; returns the silo of each answer, or null where the call failed.</summary>
    public async Task<SiloProbeResult?[]> ProbeAllAsync(IReadOnlyList<string> keys)
    {
        Task<SiloProbeResult>[] calls = keys.Select(key => Client.GetGrain<ISiloProbeGrain>(key).ProbeAsync()).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception)
        {
            // inspected per call below
        }

        return calls.Select(call => call.IsCompletedSuccessfully ? call.Result : null).ToArray();
    }

    /// <summary>Probes every key in rounds until one round succeeds completely; returns that round and the time it
    /// took from <paramref name="since"/>.</summary>
    public async Task<(SiloProbeResult[] Round, TimeSpan Elapsed)> ProbeUntilAllSucceedAsync(
        IReadOnlyList<string> keys, Stopwatch since, TimeSpan limit)
    {
        while (since.Elapsed < limit)
        {
            SiloProbeResult?[] round = await ProbeAllAsync(keys);
            if (round.All(result => result is not null))
            {
                return (round.Select(result => result!).ToArray(), since.Elapsed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"Calls did not all succeed again within {limit}.\n" +
            string.Join("\n", Silos.Values.Select(silo => $"--- {silo.Name}:\n{Tail(silo.Output)}")));
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        foreach (SiloProcess silo in Silos.Values)
        {
            await silo.DisposeAsync();
        }

        _certificates.Dispose();
        _directory.Dispose();
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

}
