using Kms.Crypto.Release;
using Kms.Grains.Onboarding;
using Kms.Grains.Release;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.V1;

/// <summary>
/// A silo asks to join the committee of root-key holders. Submitting is open: the evidence, which binds the silo's name
/// and nonce, is the credential, and nothing happens before a majority of the registered admins, or the KMS governance
/// contract, approve.
/// </summary>
internal static class OnboardingEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/onboarding", SubmitAsync).WithSummary("A silo asks to join the committee with evidence that binds the request.");
        v1.MapGet("/onboarding/{hash}", GetAsync).WithSummary("An onboarding request: its evidence, approvals and state.");

        // Open like submission: the chain is the authority (an operator's requestOnboard record, the identity allowlist).
        v1.MapPost("/onboarding/{hash}/approve-onchain", ApproveOnchainAsync)
            .WithSummary("Approves an onboarding request with the KMS governance contract's requestOnboard record.");
    }

    public static void MapAdmin(RouteGroupBuilder admin)
    {
        admin.MapPost("/onboarding/{hash}/approve", ApproveAsync).WithSummary("Approves an onboarding request; a majority of the admins reshares to include the silo.");
        admin.MapPost("/onboarding/{hash}/reject", RejectAsync).WithSummary("Rejects an onboarding request.");
    }

    private static async Task<IResult> SubmitAsync(OnboardingSubmitBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        string silo = V1Input.Required(body.Silo, "silo");
        if (!OnboardingBinding.IsValidSiloName(silo))
        {
            throw ApiProblemException.MalformedInput(
                $"'silo' must be 1 to {OnboardingBinding.MaxSiloNameLength} printable ASCII characters without spaces or '/'.");
        }

        byte[] nonce = V1Input.Hex32(body.Nonce, "nonce");
        EvidenceBody evidence = V1Input.Required(body.Evidence, "evidence");
        var request = new OnboardingRequest(
            silo, nonce, new EvidenceSubmission(V1Input.Required(evidence.Type, "evidence.type"), V1Input.Base64(evidence.Evidence, "evidence.evidence")));
        string hash = Convert.ToHexStringLower(OnboardingBinding.RequestHash(silo, nonce));
        OnboardingStatus status = await Request(grains, hash).SubmitAsync(request, cancellationToken);
        return Results.Accepted($"/v1/onboarding/{hash}", status.ToBody());
    }

    private static async Task<OnboardingStatusBody> GetAsync(string hash, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Request(grains, V1Input.Identity(hash, "hash")).GetStatusAsync(cancellationToken)).ToBody();

    private static async Task<OnboardingStatusBody> ApproveAsync(string hash, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Request(grains, V1Input.Identity(hash, "hash")).ApproveAsync(AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static async Task<OnboardingStatusBody> ApproveOnchainAsync(
        string hash, OnchainApprovalBody body, IGrainFactory grains, CancellationToken cancellationToken)
    {
        string onchain = V1Input.Required(body.OnchainRequest, "onchainRequest");
        byte[] onchainHash = V1Input.Hex32(onchain.StartsWith("0x", StringComparison.Ordinal) ? onchain[2..] : onchain, "onchainRequest");
        return (await Request(grains, V1Input.Identity(hash, "hash")).ApproveOnchainAsync(onchainHash, cancellationToken)).ToBody();
    }

    private static async Task<OnboardingStatusBody> RejectAsync(string hash, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        (await Request(grains, V1Input.Identity(hash, "hash")).RejectAsync(AdminRequestContext.AdminOf(context), cancellationToken)).ToBody();

    private static IOnboardingRequestGrain Request(IGrainFactory grains, string hash) => grains.GetGrain<IOnboardingRequestGrain>(hash);

    private static OnboardingStatusBody ToBody(this OnboardingStatus status) => new(
        status.RequestHash,
        status.SiloName,
        status.State.ToString().ToLowerInvariant(),
        status.Verdict.ToBody(),
        status.SubmittedAt,
        status.Approvals.Select(a => new OnboardingApprovalBody(a.Admin, a.At)).ToArray(),
        status.ApprovalsRequired,
        status.RejectedBy,
        status.JoinedEpoch,
        status.Reason,
        status.UpdatedAt);
}
