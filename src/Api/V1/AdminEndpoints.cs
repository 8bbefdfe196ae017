using Kms.Grains.Cluster;
using Kms.Grains.Namespaces;
using Kms.Grains.Workloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.V1;

/// <summary>Routes that change governance state; every one requires a request signed by a registered admin.</summary>
internal static class AdminEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/cluster/refresh", RefreshAsync).WithSummary("New shares of the same root key on the same committee.");
        admin.MapPost("/cluster/reshare", ReshareAsync).WithSummary("Moves the shares to another committee or threshold.");
        admin.MapPut("/namespaces/{ns}", CreateNamespaceAsync).WithSummary("Creates a namespace.");
        admin.MapPut("/namespaces/{ns}/policy", SetPolicyAsync).WithSummary("Replaces a namespace's evidence policy.");
        admin.MapPut("/namespaces/{ns}/policy-document", ApplyPolicyDocumentAsync)
            .WithSummary("Puts a threshold-signed policy document in force (policy-document namespaces; the body is the signed envelope).");
        admin.MapPut("/namespaces/{ns}/measurements/{identity}", AddMeasurementAsync).WithSummary("Admits a measurement identity.");
        admin.MapDelete("/namespaces/{ns}/measurements/{identity}", RevokeMeasurementAsync).WithSummary("Revokes a measurement identity (in force for the next request).");
        admin.MapPost("/namespaces/{ns}/rotate", RotateAsync).WithSummary("Starts a new namespace key epoch.");
        admin.MapGet("/namespaces/{ns}/identities/{identity}", GetIdentityAsync).WithSummary("A workload identity's instances and releases.");
        admin.MapPost("/namespaces/{ns}/identities/{identity}/revoke", RevokeIdentityAsync).WithSummary("Revokes a workload identity.");
    }

    private static async Task<ClusterStatusBody> RefreshAsync(IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Cluster(grains).RefreshAsync(cancellationToken)).ToBody();

    private static async Task<ClusterStatusBody> ReshareAsync(ClusterReshareBody body, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Cluster(grains).ReshareAsync(body.Silos ?? [], body.Threshold, cancellationToken)).ToBody();

    private static async Task<IResult> CreateNamespaceAsync(string ns, NamespaceCreateBody body, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var request = new NamespaceCreateRequest(
            V1Mapping.ToGovernance(body.Governance), V1Mapping.ToPolicy(body.Policy), AdminRequestContext.AdminOf(context), V1Mapping.ToPolicySigners(body.PolicySigners));
        NamespaceInfo created = await grains.GetGrain<INamespaceGrain>(ns).CreateAsync(request, cancellationToken);
        return Results.Created($"/v1/namespaces/{created.Name}", created.ToBody());
    }

    private static async Task<NamespaceBody> SetPolicyAsync(string ns, PolicyBody body, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(ns).SetPolicyAsync(V1Mapping.ToPolicy(body), AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<PolicyDocumentBody> ApplyPolicyDocumentAsync(string ns, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        // The admin authenticator has buffered and size-checked the body it verified; the grain parses it (strictly).
        using var envelope = new MemoryStream();
        await context.Request.Body.CopyToAsync(envelope, cancellationToken);
        return (await grains.GetGrain<INamespaceGrain>(ns).ApplyPolicyDocumentAsync(envelope.ToArray(), AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();
    }

    private static async Task<MeasurementBody> AddMeasurementAsync(
        string ns, string identity, MeasurementAddBody body, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(ns).AddMeasurementAsync(
            V1Input.Identity(identity), body.Description ?? string.Empty, AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<MeasurementBody> RevokeMeasurementAsync(string ns, string identity, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(ns).RevokeMeasurementAsync(V1Input.Identity(identity), AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<NamespaceBody> RotateAsync(string ns, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(ns).RotateKeyAsync(AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<IdentityBody> GetIdentityAsync(string ns, string identity, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Identity(grains, ns, identity).GetStatusAsync(cancellationToken)).ToBody();

    private static async Task<IdentityBody> RevokeIdentityAsync(string ns, string identity, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Identity(grains, ns, identity).RevokeAsync(AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static IClusterGrain Cluster(IGrainFactory grains) => grains.GetGrain<IClusterGrain>(IClusterGrain.Key);

    private static IWorkloadIdentityGrain Identity(IGrainFactory grains, string ns, string identity) =>
        grains.GetGrain<IWorkloadIdentityGrain>(ns + "/" + V1Input.Identity(identity));
}
