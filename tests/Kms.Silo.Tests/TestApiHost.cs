using Kms.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kms.Silo.Tests;

/// <summary>Only the API (no silo) on real Kestrel at 127.0.0.1 with a free port, for tests that fake the probe.</summary>
internal sealed class TestApiHost : IAsyncDisposable
{
    private TestApiHost(WebApplication app, CapturingLoggerProvider logs)
    {
        App = app;
        Logs = logs;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(10) };
    }

    public WebApplication App { get; }

    public CapturingLoggerProvider Logs { get; }

    public HttpClient Client { get; }

    public static async Task<TestApiHost> StartAsync(
        Action<IServiceCollection> configureServices, Action<WebApplication>? map = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddKmsApi();
        configureServices(builder.Services);

        WebApplication app = builder.Build();
        app.UseKmsApiErrorHandling();
        app.MapKmsApi();
        map?.Invoke(app);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        return new TestApiHost(app, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
