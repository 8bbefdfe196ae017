using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Kms.Silo;

/// <summary>Exports Orleans' own meters and activity sources over OTLP/HTTP; the KMS adds no counters of its own.</summary>
internal static class SiloTelemetry
{
    private static readonly string[] s_meters = ["Microsoft.Orleans"];
    private static readonly string[] s_activitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static void Add(IServiceCollection services, Uri endpoint, string siloName)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("orleans-kms", serviceInstanceId: siloName))
            .WithMetrics(metrics => metrics
                .AddMeter(s_meters)
                .AddOtlpExporter(exporter => Configure(exporter, endpoint, "v1/metrics")))
            .WithTracing(tracing => tracing
                .AddSource(s_activitySources)
                .AddOtlpExporter(exporter => Configure(exporter, endpoint, "v1/traces")));
    }

    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, string path)
    {
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        string root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint.AbsoluteUri : endpoint.AbsoluteUri + "/";
        exporter.Endpoint = new Uri(new Uri(root), path);
    }
}
