namespace Kms.Api;

/// <summary>
/// Body of <c>/livez</c> and <c>/readyz</c>: <c>{"status":"alive"}</c>, <c>{"status":"ready"}</c> or
/// <c>{"status":"not ready","reason":"..."}</c>, byte-compatible with the Go provisioning backend's health endpoints.
/// </summary>
/// <param name="Status"><c>alive</c>, <c>ready</c> or <c>not ready</c>.</param>
/// <param name="Reason">Why the silo is not ready; omitted from the JSON when <see langword="null"/>.</param>
public sealed record HealthStatus(string Status, string? Reason = null)
{
    internal static HealthStatus Alive { get; } = new("alive");

    internal static HealthStatus Ready { get; } = new("ready");
}
