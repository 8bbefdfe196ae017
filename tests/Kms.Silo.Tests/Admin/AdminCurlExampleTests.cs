using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Kms.Api;
using Kms.Api.Admin;
using Kms.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests.Admin;

/// <summary>
/// The README's shell example (docs/examples/kms-admin-curl.sh: openssl signs, curl sends) against a real server:
/// an independent implementation of the signed admin request.
/// </summary>
public sealed class AdminCurlExampleTests
{
    [RequiresShellToolsFact]
    public async Task Script_SignsRequestsTheServerAccepts()
    {
        string work = Directory.CreateTempSubdirectory("kms-admin-curl-").FullName;
        try
        {
            string keyPem = Path.Combine(work, "admin.pem");
            Run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPem);
            using ECDsa key = ECDsa.Create();
            key.ImportFromPem(await File.ReadAllTextAsync(keyPem));
            var keys = new InMemoryAdminKeyStore();
            keys.Add("ops-1", key);

            await using TestApiHost host = await TestApiHost.StartAsync(
                services =>
                {
                    services.AddSingleton<IReadinessProbe>(new ReadyProbe());
                    services.AddSingleton<IAdminKeyStore>(keys);
                },
                app =>
                {
                    app.MapPost("/v1/test/echo", (HttpContext context, AdminAuthenticationTests.EchoBody body) =>
                        TypedResults.Ok(new AdminAuthenticationTests.EchoReply(context.GetKmsAdminKeyId(), body.Name, body.Count, "POST")))
                        .RequireKmsAdmin();
                    app.MapGet("/v1/test/items/{name}", (HttpContext context, string name, string? q) =>
                        TypedResults.Ok(new AdminAuthenticationTests.EchoReply(context.GetKmsAdminKeyId(), name + "|" + q, 0, "GET")))
                        .RequireKmsAdmin();
                });
            string baseUrl = host.Client.BaseAddress!.ToString().TrimEnd('/');
            string bodyFile = Path.Combine(work, "body.json");
            await File.WriteAllTextAsync(bodyFile, "{\"name\":\"payments\",\"count\":3}");

            string posted = Run("bash", Script, baseUrl, "ops-1", keyPem, "POST", "/v1/test/echo", bodyFile);
            string fetched = Run("bash", Script, baseUrl, "ops-1", keyPem, "GET", "/v1/test/items/a%20b?q=x%2Fy");
            string otherPem = Path.Combine(work, "other.pem");
            Run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherPem);
            string wrongKey = Run("bash", Script, baseUrl, "ops-1", otherPem, "POST", "/v1/test/echo", bodyFile);

            Assert.Equal("""{"admin":"ops-1","name":"payments","count":3,"method":"POST"}""", posted);
            Assert.Equal("""{"admin":"ops-1","name":"a b|x/y","count":0,"method":"GET"}""", fetched);
            JsonElement problem = JsonDocument.Parse(wrongKey).RootElement;
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
            Assert.Equal("urn:kms:problem:unauthenticated", problem.GetProperty("type").GetString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Script => Path.Combine(
        FoundryTools.RepositoryRoot ?? throw new InvalidOperationException("Not run from a checkout."),
        "docs", "examples", "kms-admin-curl.sh");

    private static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within 60 s.");
        }

        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
        return output.Result;
    }
}

/// <summary>A fact that needs bash, openssl, curl and basenc: skipped when one is missing, except with CI=true.</summary>
public sealed class RequiresShellToolsFactAttribute : FactAttribute
{
    private static readonly string[] s_tools = ["bash", "openssl", "curl", "basenc"];

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a tool is missing outside CI.</summary>
    public RequiresShellToolsFactAttribute()
    {
        string[] missing = s_tools.Where(tool => !FoundryTools.IsOnPath(tool)).ToArray();
        if (!FoundryTools.IsCi && missing.Length > 0)
        {
            Skip = $"{string.Join(", ", missing)} not found on PATH (apt-get install openssl curl coreutils). With CI=true this test fails instead.";
        }
    }
}
