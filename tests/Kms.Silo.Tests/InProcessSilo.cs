using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kms.Silo.Tests;

/// <summary>A silo built by <see cref="KmsSiloHost"/> and served by real Kestrel on 127.0.0.1 with a free port.</summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;
    private bool _started;

    private InProcessSilo(WebApplication app, TempDirectory? ownedDirectory, CapturingLoggerProvider logs, StringWriter diagnostics)
    {
        App = app;
        _ownedDirectory = ownedDirectory;
        Logs = logs;
        Diagnostics = diagnostics;
    }

    /// <summary>A dev silo on free ports (the API and the silo port), without a client gateway.</summary>
    public static string[] DevArgs { get; } = ["--dev", "--urls", "http://127.0.0.1:0", "--silo-port", "0", "--gateway-port", "0"];

    public WebApplication App { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>What the silo wrote to its diagnostics writer (the dev banner).</summary>
    public StringWriter Diagnostics { get; }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The silo's data directory.</summary>
    public string DataDirectory => App.Services
        .GetRequiredService<Microsoft.Extensions.Options.IOptions<KmsSiloOptions>>().Value.DataDirectory!;

    /// <summary>Builds (not starts) a dev silo in <paramref name="workingDirectory"/> or a fresh temp directory.</summary>
    public static InProcessSilo Create(
        string[]? args = null,
        string? workingDirectory = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        TempDirectory? owned = workingDirectory is null ? new TempDirectory() : null;
        string directory = workingDirectory ?? owned!.Path;
        var launch = new SiloLaunchContext(
            args ?? DevArgs,
            new Dictionary<string, string>(),
            BaseDirectory: directory,
            WorkingDirectory: directory);
        var logs = new CapturingLoggerProvider();
        var diagnostics = new StringWriter();
        WebApplication app = KmsSiloHost.Build(launch, SiloCommandLine.Parse(launch.Args), diagnostics, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        }, configureSilo);
        map?.Invoke(app);
        return new InProcessSilo(app, owned, logs, diagnostics);
    }

    public static async Task<InProcessSilo> StartAsync(
        string[]? args = null,
        string? workingDirectory = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        InProcessSilo silo = Create(args, workingDirectory, configure, map, configureSilo);
        await silo.StartAsync();
        return silo;
    }

    /// <summary>Waits until a dev silo has initialised its 1-of-1 cluster (it does so just after it starts).</summary>
    public async Task WaitForDevClusterAsync()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await Client.GetStringAsync("/v1/cluster")).Contains("\"active\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "The dev silo did not initialise its cluster.");
            await Task.Delay(100);
        }
    }

    public async Task StartAsync(TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(30));
        await App.StartAsync(timeout.Token);
        _started = true;
        Client = new HttpClient { BaseAddress = new Uri(App.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_started)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await App.StopAsync(timeout.Token);
        }

        await App.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
