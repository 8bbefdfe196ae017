using Kms.Api.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Api;

/// <summary>Wires the KMS HTTP front end into an ASP.NET Core application.</summary>
public static class KmsApiExtensions
{
    /// <summary>
    /// Registers the API's services: source-generated JSON metadata, strict request binding (a body that does not
    /// bind is an exception the error middleware turns into a 400 problem that says what is wrong), the OpenAPI
    /// document (<see cref="KmsOpenApi"/>) and admin request authentication with default options
    /// (<see cref="KmsAdminEndpointExtensions.AddKmsAdminAuthentication"/>).
    /// The host must also register an <see cref="IReadinessProbe"/>, and an <see cref="IAdminKeyStore"/> when it maps
    /// admin endpoints.
    /// </summary>
    public static IServiceCollection AddKmsApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, KmsApiJsonContext.Default));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddOpenApi(KmsOpenApi.DocumentName, KmsOpenApi.Configure);
        services.AddKmsAdminAuthentication();
        return services;
    }

    /// <summary>
    /// Adds the error handling every response goes through: exceptions become problem details
    /// (<see cref="ApiErrorMapper"/>), and error statuses without a body (unknown route, wrong method) get a problem
    /// body. Call it before anything that can fail.
    /// </summary>
    public static IApplicationBuilder UseKmsApiErrorHandling(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ApiExceptionMiddleware>();
        app.UseStatusCodePages(static statusContext =>
        {
            HttpContext context = statusContext.HttpContext;
            return ProblemResponseWriter.WriteAsync(
                context, ApiErrorMapper.ForStatus(context.Response.StatusCode), context.RequestAborted);
        });
        return app;
    }

    /// <summary>
    /// Maps the KMS endpoints: <c>GET|HEAD /livez</c>, <c>GET|HEAD /readyz</c> and the OpenAPI document at
    /// <c>GET /openapi/v1.json</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="IReadinessProbe"/> is registered.</exception>
    public static IEndpointRouteBuilder MapKmsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IReadinessProbe>() is null)
        {
            throw new InvalidOperationException(
                $"The KMS API needs an {nameof(IReadinessProbe)} service for /readyz; register one before mapping it.");
        }

        // HEAD too: load balancers and uptime checkers probe with it.
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods("/livez", methods, HealthEndpoints.Live)
            .WithTags("Health")
            .WithSummary("Liveness: the process is up")
            .WithDescription("Always 200 {\"status\":\"alive\"} while the process serves HTTP; it does not depend on readiness.")
            .Produces<HealthStatus>(StatusCodes.Status200OK);
        endpoints.MapMethods("/readyz", methods, HealthEndpoints.ReadyAsync)
            .WithTags("Health")
            .WithSummary("Readiness: the silo serves requests")
            .WithDescription("200 {\"status\":\"ready\"}, or 503 {\"status\":\"not ready\",\"reason\":...} while the silo starts, stops or its runtime is down.")
            .Produces<HealthStatus>(StatusCodes.Status200OK)
            .Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return endpoints;
    }

    /// <summary>
    /// Maps the native API under <c>/v1</c>; its handlers call grains, so the host must run an Orleans silo or client
    /// (<see cref="IGrainFactory"/>) and register an <see cref="Admin.IAdminKeyStore"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapKmsV1Api(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        V1.V1Endpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>
    /// Maps the reference-KBS protocol under <c>/kbs/v0</c> (docs/kbs.md); its handlers call grains, and
    /// <c>register_workload</c> needs an <see cref="Admin.IAdminKeyStore"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapKmsKbsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Kbs.KbsEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>
    /// Maps tee-guardian's namespace attestation (<c>/attestation/{namespace}/register|verify</c>) and measurement
    /// registry (<c>/measurements/…</c>) (docs/tee-guardian.md); the admin routes need an <see cref="Admin.IAdminKeyStore"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapKmsGuardianApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Guardian.GuardianEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>
    /// Maps the Go TEE registry front end (<c>POST /api/attested/secrets/{contract}</c>,
    /// <c>GET /api/attested/onboard/{id}</c>, <c>GET /api/public/pki/{contract}</c>; docs/registry-compat.md). Its
    /// handlers call grains, so the host must run an Orleans silo or client.
    /// </summary>
    public static IEndpointRouteBuilder MapKmsRegistryApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Registry.RegistryEndpoints.Map(endpoints);
        return endpoints;
    }
}
