namespace Kms.Silo;

/// <summary>OpenTelemetry export of Orleans' metrics and traces (section <c>Silo:Telemetry</c>).</summary>
public sealed class SiloTelemetryOptions
{
    /// <summary>
    /// OTLP/HTTP endpoint of a collector, e.g. <c>http://127.0.0.1:4318</c>; metrics go to <c>/v1/metrics</c> and
    /// traces to <c>/v1/traces</c> under it. Default: none (no export).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }
}
