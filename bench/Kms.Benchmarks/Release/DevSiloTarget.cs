using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Kms.Client.Admin;
using Kms.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Benchmarks.Release;

/// <summary>
/// A dev silo to load: started in this process by <see cref="KmsSiloHost"/> (as <c>kms-silo --dev</c> on free ports,
/// its data in a temp directory), or one already running at a URL whose data directory is given. Holds the dev
/// evidence key workloads sign with and an admin client that signs with the dev admin key.
/// </summary>
internal sealed class DevSiloTarget : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly string? _ownedDirectory;
    private readonly ECDsa _adminKey;

    private DevSiloTarget(WebApplication? app, string? ownedDirectory, Uri baseAddress, string dataDirectory)
    {
        _app = app;
        _ownedDirectory = ownedDirectory;
        BaseAddress = baseAddress;
        EvidenceKey = LoadKey(Path.Combine(dataDirectory, KmsSiloOptions.DevEvidenceKeyFileName));
        _adminKey = LoadKey(Path.Combine(dataDirectory, KmsSiloOptions.DevAdminKeyFileName));
        Admin = new HttpClient(new AdminRequestSigningHandler("dev-admin", _adminKey) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseAddress { get; }

    /// <summary>The key the silo accepts dev evidence from.</summary>
    public ECDsa EvidenceKey { get; }

    /// <summary>Signs every request as the dev admin.</summary>
    public HttpClient Admin { get; }

    /// <summary>The in-process silo's grain factory (null for a silo at a URL).</summary>
    public IGrainFactory? Grains => _app?.Services.GetRequiredService<IGrainFactory>();

    public bool InProcess => _app is not null;

    /// <summary>
    /// From <c>--url &lt;url&gt; --data-dir &lt;path&gt;</c>, or a fresh in-process dev silo without them, in a new directory
    /// under <c>--silo-root &lt;dir&gt;</c> if given (on a tmpfs such as /dev/shm, grain state writes skip the disk's fsync).
    /// </summary>
    public static async Task<DevSiloTarget> OpenAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        DevSiloTarget target;
        if (arguments.Option("--url") is { } url)
        {
            string dataDirectory = arguments.Option("--data-dir")
                ?? throw new ArgumentException("--url needs --data-dir: the silo's data directory with dev-admin.key and dev-evidence.key.");
            await WaitForClusterAsync(new Uri(url), cancellationToken);
            target = new DevSiloTarget(null, null, new Uri(url), dataDirectory);
        }
        else
        {
            target = await StartInProcessAsync(arguments.Option("--silo-root"), cancellationToken);
        }

        return target;
    }

    /// <summary>A client for load: one pooled HTTP/1.1 connection per concurrent caller.</summary>
    public HttpClient CreateLoadClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
        UseProxy = false,
    })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Creates a namespace with the dev policy (an existing one is kept: a silo at a URL may have it).</summary>
    public async Task CreateNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Admin.PutAsJsonAsync(
            $"/v1/namespaces/{ns}", new NamespaceRequest(new PolicyJson(["dev"], false, [])), ReleaseJsonContext.Default.NamespaceRequest, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureAsync(response, HttpStatusCode.Created, cancellationToken);
        }
    }

    /// <summary>Registers a workload's measurement in a namespace's registry.</summary>
    public async Task RegisterAsync(string ns, string identity, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Admin.PutAsJsonAsync(
            $"/v1/namespaces/{ns}/measurements/{identity}", new MeasurementRequest("bench"), ReleaseJsonContext.Default.MeasurementRequest, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>Throws with the problem the silo answered when the status is not the expected one.</summary>
    public static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        _adminKey.Dispose();
        EvidenceKey.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        if (_ownedDirectory is not null)
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
    }

    /// <summary>Starts a dev silo whose directory is a fresh one under <paramref name="root"/> (default: the temp directory).</summary>
    private static async Task<DevSiloTarget> StartInProcessAsync(string? root, CancellationToken cancellationToken)
    {
        string directory = root is null
            ? Directory.CreateTempSubdirectory("kms-bench-silo-").FullName
            : Directory.CreateDirectory(Path.Combine(root, "kms-bench-silo-" + Guid.NewGuid().ToString("N"))).FullName;
        var launch = new SiloLaunchContext(
            ["--dev", "--urls", "http://127.0.0.1:0", "--silo-port", "0", "--gateway-port", "0"],
            new Dictionary<string, string>(),
            BaseDirectory: directory,
            WorkingDirectory: directory);

        // No log output: a dev silo logs a warning per accepted dev evidence (and a line per certificate), a cost of
        // dev mode that a silo verifying TEE evidence does not have. Refusals still reach the load as HTTP problems.
        WebApplication app = KmsSiloHost.Build(launch, SiloCommandLine.Parse(launch.Args), TextWriter.Null,
            builder => builder.Logging.ClearProviders());
        try
        {
            await app.StartAsync(cancellationToken);
            string dataDirectory = app.Services.GetRequiredService<IOptions<KmsSiloOptions>>().Value.DataDirectory!;
            var baseAddress = new Uri(app.Urls.First());

            // The dev silo initialises its cluster (and writes the dev admin key) just after it starts.
            await WaitForClusterAsync(baseAddress, cancellationToken);
            return new DevSiloTarget(app, directory, baseAddress, dataDirectory);
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private static async Task WaitForClusterAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await client.GetStringAsync("/v1/cluster", cancellationToken)).Contains("\"active\"", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silo at {baseAddress} has no active cluster after 60 s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static ECDsa LoadKey(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
