using Kms.Grains.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.V1;

/// <summary>
/// The cluster's status, and the two operations whose authority is not an admin signature: init (first come, as Vault's
/// <c>sys/init</c>: run it before the API is reachable by anyone else) and recovery (the authority is holding a
/// threshold of recovery shares, which could rebuild the key anyway).
/// </summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/cluster", StatusAsync).WithSummary("The committee, threshold, epoch and status of the root key.");
        v1.MapPost("/cluster/init", InitAsync).WithSummary("Deals a new root key and returns the sealed admin recovery shares.");
        v1.MapPost("/cluster/recover", RecoverAsync).WithSummary("Restores the root key from a threshold of admin recovery shares.");
    }

    private static async Task<ClusterStatusBody> StatusAsync(IGrainFactory grains, CancellationToken cancellationToken) =>
        (await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).GetStatusAsync(cancellationToken)).ToBody();

    private static async Task<ClusterInitResponse> InitAsync(ClusterInitBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var request = new ClusterInitRequest(body.Threshold, body.Silos ?? [], V1Mapping.ToAdmins(body.Admins), body.RecoveryThreshold);
        ClusterInitResult result = await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).InitializeAsync(request, cancellationToken);
        return new ClusterInitResponse(
            result.Status.ToBody(),
            result.RecoveryShares.Select(s => new RecoveryShareBody(s.Admin, Convert.ToBase64String(s.Encapsulation), Convert.ToBase64String(s.Ciphertext))).ToArray());
    }

    private static async Task<ClusterStatusBody> RecoverAsync(ClusterRecoverBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        byte[][] shares = V1Input.Required(body.Shares, "shares").Select((s, i) => V1Input.Base64(s, $"shares[{i}]", 64)).ToArray();
        try
        {
            var request = new ClusterRecoverRequest(shares, body.Threshold, body.Silos ?? [], V1Mapping.ToAdmins(body.Admins));
            return (await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).RecoverAsync(request, cancellationToken)).ToBody();
        }
        finally
        {
            foreach (byte[] share in shares)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(share);
            }
        }
    }
}
