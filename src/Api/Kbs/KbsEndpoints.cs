using System.Security.Cryptography;
using System.Text;
using Kms.Api.Admin;
using Kms.Api.V1;
using Kms.Grains;
using Kms.Grains.Kbs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.Kbs;

/// <summary>
/// The reference KBS protocol (virtee/reference-kbs) under <c>/kbs/v0</c>: <c>register_workload</c> (admin-signed,
/// unlike the reference), <c>auth</c> (a challenge and a <c>session_id</c> cookie), <c>attest</c> and <c>key/{id}</c>.
/// Errors are plain text with the reference's statuses: 400 on <c>auth</c> and <c>attest</c>, 401 on <c>key</c> for a
/// missing, unknown, unattested, used or expired session; 403 for a key id outside the session's workload or a
/// revoked measurement; 503 when the cluster cannot decide (nothing released).
/// </summary>
internal static class KbsEndpoints
{
    /// <summary>The session cookie.</summary>
    public const string CookieName = "session_id";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder kbs = endpoints.MapGroup("/kbs/v0").WithTags("kbs").WithMetadata(KbsErrorFormat.Instance);
        kbs.MapGet("/", Root).WithSummary("Always 401, as the reference.");
        kbs.MapPost("/register_workload", RegisterAsync).RequireKmsAdmin()
            .WithSummary("Registers a workload's launch measurement and secret (admin-signed).");
        kbs.MapPost("/auth", AuthAsync).WithSummary("Starts a session: a Challenge and a session_id cookie.");
        kbs.MapPost("/attest", AttestAsync).WithSummary("Attests the session with tee-pubkey and tee-evidence.");
        kbs.MapGet("/key/{keyId}", KeyAsync).WithSummary("The workload secret encrypted to the attested TEE key.");
    }

    private static IResult Root() => throw ApiProblemException.Unauthenticated("Unauthorized");

    private static async Task<IResult> RegisterAsync(HttpContext context, IGrainFactory grains)
    {
        KbsRegisterBody body = await CompatibleBody.ReadJsonAsync(context, KbsJsonContext.Default.KbsRegisterBody);
        if (!KbsNames.IsValidWorkloadId(body.WorkloadId))
        {
            throw ApiProblemException.MalformedInput("workload_id is 1 to 124 of A-Z, a-z, 0-9, '.', '_', ':' and '-', starting with a letter or digit.");
        }

        byte[] passphrase = Encoding.UTF8.GetBytes(body.Passphrase);
        try
        {
            await grains.GetGrain<IKbsWorkloadGrain>(body.WorkloadId).RegisterAsync(
                new KbsWorkloadRegistration(body.LaunchMeasurement, body.TeeConfig ?? string.Empty, passphrase),
                AdminRequestContext.AdminOf(context),
                context.RequestAborted);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }

        return Results.Ok();
    }

    private static async Task<IResult> AuthAsync(HttpContext context, IGrainFactory grains)
    {
        KbsRequestBody body = await CompatibleBody.ReadJsonAsync(context, KbsJsonContext.Default.KbsRequestBody);
        KbsChallenge challenge = await grains.GetGrain<IKbsBrokerGrain>(0)
            .AuthAsync(new KbsAuthRequest(body.Version, body.Tee, body.ExtraParams), context.RequestAborted);
        // A session cookie, as the reference sets it: the session's expiry is the server's to enforce.
        context.Response.Headers.SetCookie = $"{CookieName}={challenge.SessionId}; Path=/kbs/v0; HttpOnly; SameSite=Strict";
        return Results.Json(new KbsChallengeBody(challenge.SessionId, string.Empty), KbsJsonContext.Default.KbsChallengeBody);
    }

    private static async Task<IResult> AttestAsync(HttpContext context, IGrainFactory grains)
    {
        // The reference answers every refusal of /attest with 400; so does this route, except when the cluster is down.
        string session = SessionId(context, ApiErrorKind.MalformedInput);
        KbsAttestationBody body = await CompatibleBody.ReadJsonAsync(context, KbsJsonContext.Default.KbsAttestationBody);
        var key = new KbsTeePubKey(body.TeePubKey.Alg, body.TeePubKey.KMod, body.TeePubKey.KExp, body.TeePubKey.Key);
        try
        {
            await grains.GetGrain<IKbsBrokerGrain>(0).AttestAsync(session, new KbsAttestation(key, body.TeeEvidence), context.RequestAborted);
        }
        catch (KmsException exception) when (exception.Kind != KmsErrorKind.Unavailable)
        {
            throw ApiProblemException.MalformedInput(exception.Message, exception);
        }

        return Results.Ok();
    }

    private static async Task<IResult> KeyAsync(string keyId, HttpContext context, IGrainFactory grains)
    {
        string session = SessionId(context, ApiErrorKind.Unauthenticated);
        KbsSealedSecret secret = await grains.GetGrain<IKbsBrokerGrain>(0).ReleaseKeyAsync(session, keyId, context.RequestAborted);
        return secret.Scheme == KbsNames.XWingAlg
            ? Results.Json(
                new KbsHpkeSecretBody(secret.Scheme, Convert.ToBase64String(secret.Encapsulation), Convert.ToBase64String(secret.Ciphertext)),
                KbsJsonContext.Default.KbsHpkeSecretBody)
            : Results.Json(Convert.ToHexStringLower(secret.Ciphertext), KbsJsonContext.Default.String);
    }

    /// <summary>The session cookie's value; a missing one is "Missing cookie", a malformed one "Invalid cookie".</summary>
    private static string SessionId(HttpContext context, ApiErrorKind kind)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out string? value))
        {
            throw new ApiProblemException(kind, "Missing cookie");
        }

        return KbsNames.IsValidSessionId(value) ? value : throw new ApiProblemException(kind, "Invalid cookie");
    }
}
