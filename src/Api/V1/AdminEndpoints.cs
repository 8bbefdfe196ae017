using Kms.Grains.Cluster;
using Kms.Grains.Namespaces;
using Kms.Grains.Secrets;
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
        admin.MapPut("/namespaces/{ns}/secrets/{name}", PutSecretAsync).WithSummary("Sets a new version of a namespace secret.");
        admin.MapGet("/namespaces/{ns}/secrets/{name}", GetSecretAsync).WithSummary("A namespace secret's version and length (never its value).");
        admin.MapDelete("/namespaces/{ns}/secrets/{name}", DeleteSecretAsync).WithSummary("Deletes a namespace secret.");
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
        NamespaceInfo created = await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).CreateAsync(request, cancellationToken);
        return Results.Created($"/v1/namespaces/{created.Name}", created.ToBody());
    }

    private static async Task<NamespaceBody> SetPolicyAsync(string ns, PolicyBody body, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).SetPolicyAsync(V1Mapping.ToPolicy(body), AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<PolicyDocumentBody> ApplyPolicyDocumentAsync(string ns, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        // The admin authenticator has buffered and size-checked the body it verified; the grain parses it (strictly).
        using var envelope = new MemoryStream();
        await context.Request.Body.CopyToAsync(envelope, cancellationToken);
        return (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).ApplyPolicyDocumentAsync(envelope.ToArray(), AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();
    }

    private static async Task<MeasurementBody> AddMeasurementAsync(
        string ns, string identity, MeasurementAddBody body, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).AddMeasurementAsync(
            V1Input.Identity(identity), body.Description ?? string.Empty, AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<MeasurementBody> RevokeMeasurementAsync(string ns, string identity, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).RevokeMeasurementAsync(V1Input.Identity(identity), AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<NamespaceBody> RotateAsync(string ns, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<INamespaceGrain>(V1Input.Namespace(ns)).RotateKeyAsync(AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<IdentityBody> GetIdentityAsync(string ns, string identity, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Identity(grains, ns, identity).GetStatusAsync(cancellationToken)).ToBody();

    private static async Task<IdentityBody> RevokeIdentityAsync(string ns, string identity, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Identity(grains, ns, identity).RevokeAsync(AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<SecretInfoBody> PutSecretAsync(
        string ns, string name, SecretPutBody body, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        byte[] value = V1Input.Base64(body.Value, "value", SecretLimits.MaxValueBytes);
        try
        {
            return ToBody(await Secret(grains, ns, name).PutAsync(value, AdminRequestContext.AdminOf(context), cancellationToken));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(value);
        }
    }

    private static async Task<SecretInfoBody> GetSecretAsync(string ns, string name, IGrainFactory grains, CancellationToken cancellationToken) =>
        ToBody(await Secret(grains, ns, name).GetInfoAsync(cancellationToken));

    private static async Task<IResult> DeleteSecretAsync(string ns, string name, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        await Secret(grains, ns, name).DeleteAsync(AdminRequestContext.AdminOf(context), cancellationToken);
        return Results.NoContent();
    }

    private static SecretInfoBody ToBody(SecretVersionInfo info) => new(info.Name, info.Version, info.UpdatedAt, info.UpdatedBy, info.Length);

    private static INamespaceSecretGrain Secret(IGrainFactory grains, string ns, string name) =>
        grains.GetGrain<INamespaceSecretGrain>(V1Input.Namespace(ns) + "/" + V1Input.Name(name, "name"));

    private static IClusterGrain Cluster(IGrainFactory grains) => grains.GetGrain<IClusterGrain>(IClusterGrain.Key);

    private static IWorkloadIdentityGrain Identity(IGrainFactory grains, string ns, string identity) =>
        grains.GetGrain<IWorkloadIdentityGrain>(V1Input.Namespace(ns) + "/" + V1Input.Identity(identity));
}
