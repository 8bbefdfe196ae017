using Kms.Api.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.V1;

/// <summary>Maps the native API under <c>/v1</c>.</summary>
internal static class V1Endpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder v1 = endpoints.MapGroup("/v1").WithTags("v1");
        ClusterEndpoints.Map(v1);
        WorkloadEndpoints.Map(v1);
        OnboardingEndpoints.Map(v1);
        RouteGroupBuilder admin = v1.MapGroup(string.Empty).WithTags("admin").RequireKmsAdmin();
        AdminEndpoints.Map(admin);
        OnboardingEndpoints.MapAdmin(admin);
    }
}
