using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Kms.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kms.Silo.Tests;

/// <summary>The Orleans Dashboard behind its option, and OTLP export of Orleans' telemetry.</summary>
public sealed class DashboardAndTelemetryTests
{
    [Fact]
    public async Task Dashboard_IsOff_ByDefault()
    {
        await using InProcessSilo silo = await InProcessSilo.StartAsync();

        using HttpResponseMessage response = await silo.Client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_WhenEnabled_IsServedOnItsLoopbackPortOnly()
    {
        int port = FreePorts.Next();
        await using InProcessSilo silo = await InProcessSilo.StartAsync(
            [.. InProcessSilo.DevArgs, "--dashboard", "--dashboard-port", port.ToString(CultureInfo.InvariantCulture)]);
        using var dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        using HttpResponseMessage page = await dashboard.GetAsync("/dashboard");
        using HttpResponseMessage throughApi = await silo.Client.GetAsync("/dashboard");
        using HttpResponseMessage apiThroughDashboard = await dashboard.GetAsync("/readyz");
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        spoofed.Headers.Host = $"127.0.0.1:{port}";
        using HttpResponseMessage spoofedHost = await silo.Client.SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("html", page.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, throughApi.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiThroughDashboard.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, spoofedHost.StatusCode);
    }

    [Fact]
    public async Task OrleansTraces_AreExportedOverOtlpHttp()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        await using InProcessSilo silo = await InProcessSilo.StartAsync(
            [.. InProcessSilo.DevArgs, "--otlp-endpoint", collector.Endpoint.AbsoluteUri]);
        IGrainFactory grains = silo.App.Services.GetRequiredService<IGrainFactory>();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!collector.Received.ContainsKey("/v1/traces"))
        {
            await grains.GetGrain<ISiloProbeGrain>("telemetry").ProbeAsync(timeout.Token);
            await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
        }

        Assert.True(collector.Received["/v1/traces"] > 0, "an OTLP trace export carried a protobuf body");
    }


    /// <summary>A minimal OTLP/HTTP receiver on loopback: records the paths it was posted to and the body sizes.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpCollector(WebApplication app, ConcurrentDictionary<string, long> received)
        {
            _app = app;
            Received = received;
        }

        public ConcurrentDictionary<string, long> Received { get; }

        public Uri Endpoint => new(_app.Urls.Single());

        public static async Task<OtlpCollector> StartAsync()
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            WebApplication app = builder.Build();
            var received = new ConcurrentDictionary<string, long>();
            app.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                received.AddOrUpdate("/v1/" + signal, body.Length, (_, total) => total + body.Length);
                return Results.Ok();
            });
            await app.StartAsync();
            return new OtlpCollector(app, received);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
