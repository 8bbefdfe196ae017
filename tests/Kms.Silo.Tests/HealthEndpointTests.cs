using System.Net;
using Kms.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kms.Silo.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task DevSilo_AnswersLivezAndReadyz_WithExactJson()
    {
        await using InProcessSilo silo = await InProcessSilo.StartAsync();

        using HttpResponseMessage live = await silo.Client.GetAsync("/livez");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("application/json", live.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"alive"}""", await live.Content.ReadAsStringAsync());

        using HttpResponseMessage ready = await silo.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("application/json", ready.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"ready"}""", await ready.Content.ReadAsStringAsync());
        Assert.True(ready.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task DevSilo_PrintsBannerAndCreatesDataDirectoryWithKey()
    {
        await using InProcessSilo silo = await InProcessSilo.StartAsync();

        Assert.Contains(DevModeBanner.Headline, silo.Diagnostics.ToString(), StringComparison.Ordinal);
        Assert.Contains(silo.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains("NOT SECURE", StringComparison.Ordinal));

        string dataDirectory = silo.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KmsSiloOptions>>()
            .Value.DataDirectory!;
        Assert.Equal(32, new FileInfo(Path.Combine(dataDirectory, KmsSiloOptions.DevStorageKeyFileName)).Length);
    }

    [Fact]
    public async Task Readyz_IsServiceUnavailable_WithReason_WhenProbeSaysNotReady()
    {
        var probe = new SwitchableProbe { Report = ReadinessReport.NotReady("runtime is not active") };
        await using TestApiHost host = await TestApiHost.StartAsync(services => services.AddSingleton<IReadinessProbe>(probe));

        using HttpResponseMessage notReady = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("application/json", notReady.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"status":"not ready","reason":"runtime is not active"}""", await notReady.Content.ReadAsStringAsync());

        probe.Report = ReadinessReport.Ready;
        using HttpResponseMessage ready = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ready"}""", await ready.Content.ReadAsStringAsync());

        // Liveness does not depend on readiness.
        probe.Report = ReadinessReport.NotReady("stopping");
        using HttpResponseMessage live = await host.Client.GetAsync("/livez");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task SiloProbe_IsNotReadyBeforeStart_ReadyWhenStarted_NotReadyOnceStopping()
    {
        await using InProcessSilo silo = InProcessSilo.Create();
        IReadinessProbe probe = silo.App.Services.GetRequiredService<IReadinessProbe>();

        ReadinessReport beforeStart = await probe.CheckAsync(CancellationToken.None);
        Assert.False(beforeStart.IsReady);
        Assert.Equal("Orleans silo has not started", beforeStart.Reason);

        await silo.StartAsync();
        Assert.True((await probe.CheckAsync(CancellationToken.None)).IsReady);

        silo.App.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        ReadinessReport stopping = await probe.CheckAsync(CancellationToken.None);
        Assert.False(stopping.IsReady);
        Assert.Equal("silo is stopping", stopping.Reason);
    }

    [Fact]
    public void MapKmsApi_WithoutReadinessProbe_FailsClearly()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Services.AddKmsApi();
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapKmsApi());
        Assert.Contains(nameof(IReadinessProbe), error.Message, StringComparison.Ordinal);
    }

    private sealed class SwitchableProbe : IReadinessProbe
    {
        public volatile ReadinessReport Report = ReadinessReport.Ready;

        public ValueTask<ReadinessReport> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Report);
    }
}
