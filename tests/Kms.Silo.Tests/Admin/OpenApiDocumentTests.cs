using System.Net;
using System.Text.Json;
using Kms.Api;
using Kms.Api.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests.Admin;

/// <summary>The OpenAPI document served at /openapi/v1.json.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Document_IsOpenApi3_WithHealthRoutes_AndTheAdminSchemeOnAdminRoutesOnly()
    {
        await using TestApiHost host = await TestApiHost.StartAsync(
            services => services.AddSingleton<IReadinessProbe>(new ReadyProbe()),
            app =>
            {
                app.MapPost("/test/admin/thing", () => TypedResults.NoContent()).RequireKmsAdmin();
                app.MapGet("/test/public/thing", () => TypedResults.NoContent());
            });

        using HttpResponseMessage response = await host.Client.GetAsync(KmsOpenApi.DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Orleans.Kms API", root.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(KmsOpenApi.Version, root.GetProperty("info").GetProperty("version").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", KmsOpenApi.Version);

        Assert.False(root.TryGetProperty("servers", out _), "the document must not echo the Host header");

        JsonElement paths = root.GetProperty("paths");
        Assert.Equal("Liveness: the process is up", paths.GetProperty("/livez").GetProperty("get").GetProperty("summary").GetString());
        JsonElement ready = paths.GetProperty("/readyz").GetProperty("get");
        Assert.Equal("Readiness: the silo serves requests", ready.GetProperty("summary").GetString());
        Assert.True(ready.GetProperty("responses").TryGetProperty("503", out _));

        JsonElement scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty(KmsOpenApi.AdminSecuritySchemeName);
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("Kms-Signature", scheme.GetProperty("name").GetString());
        string description = scheme.GetProperty("description").GetString()!;
        foreach (string header in new[] { "Kms-Admin-Key", "Kms-Timestamp", "Kms-Nonce", "orleans-kms-admin-request-v1" })
        {
            Assert.Contains(header, description, StringComparison.Ordinal);
        }

        JsonElement admin = paths.GetProperty("/test/admin/thing").GetProperty("post");
        JsonElement requirement = Assert.Single(admin.GetProperty("security").EnumerateArray().ToArray());
        Assert.True(requirement.TryGetProperty(KmsOpenApi.AdminSecuritySchemeName, out _));
        Assert.True(admin.GetProperty("responses").TryGetProperty("401", out _));
        Assert.False(paths.GetProperty("/test/public/thing").GetProperty("get").TryGetProperty("security", out _));
        Assert.False(paths.GetProperty("/livez").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task DevSilo_ServesTheDocument()
    {
        await using InProcessSilo silo = await InProcessSilo.StartAsync();

        using HttpResponseMessage response = await silo.Client.GetAsync(KmsOpenApi.DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/readyz", out _));
    }
}
