using System.Security.Cryptography;
using System.Text.Json;
using Kms.Api.Admin;
using Kms.Api.V1;
using Kms.Grains;
using Kms.Grains.Guardian;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kms.Api.Guardian;

/// <summary>
/// tee-guardian's namespace attestation (<c>/attestation/{namespace}/register|verify</c>) and measurement registry
/// (<c>/measurements/…</c>) on the silo's own listener. Errors are <c>{"error":…}</c> with the statuses tee-guardian
/// documents: 400 malformed, 401 challenge/evidence, 403 measurement/policy/revocation, 404 no pending challenge or
/// measurement, 409 identity required or already registered, 503 cluster unavailable.
/// </summary>
internal static class GuardianEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder attestation = endpoints.MapGroup("/attestation").WithTags("tee-guardian").WithMetadata(GuardianErrorFormat.Instance);
        attestation.MapPost("/{ns}/register", RegisterAsync).WithSummary("Phase 1: evidence with zeros ‖ instance id → a challenge.");
        attestation.MapPost("/{ns}/verify", VerifyAsync).WithSummary("Phase 2: evidence with challenge ‖ instance id → verified (and a certificate for a CSR).");

        RouteGroupBuilder measurements = endpoints.MapGroup("/measurements").WithTags("tee-guardian").WithMetadata(GuardianErrorFormat.Instance);
        measurements.MapGet("/{ns}/{hash}", GetMeasurementAsync).WithSummary("A measurement object (404 {\"error\":\"Measurement not found\"}).");
        measurements.MapGet("/{ns}", ListMeasurementsAsync).WithSummary("The namespace's measurement objects.");
        measurements.MapPost("/{ns}", AddMeasurementAsync).RequireKmsAdmin().RefuseBearerTokens().WithSummary("Adds a measurement (admin-signed).");
        measurements.MapDelete("/{ns}/{hash}", RevokeMeasurementAsync).RequireKmsAdmin().RefuseBearerTokens().WithSummary("Revokes a measurement (admin-signed).");
    }

    private static async Task<IResult> RegisterAsync(string ns, HttpContext context, IGrainFactory grains)
    {
        GuardianEvidenceBody body = await CompatibleBody.ReadJsonAsync(context, GuardianJsonContext.Default.GuardianEvidenceBody);
        GuardianChallenge challenge = await grains.GetGrain<IGuardianAttestationGrain>(0)
            .RegisterAsync(ns, Evidence(body.Evidence), context.RequestAborted);
        return Results.Json(
            new GuardianChallengeBody(Convert.ToHexStringLower(challenge.Challenge), challenge.ExpiresAt.ToUnixTimeSeconds()),
            GuardianJsonContext.Default.GuardianChallengeBody);
    }

    private static async Task<IResult> VerifyAsync(string ns, HttpContext context, IGrainFactory grains)
    {
        GuardianEvidenceBody body = await CompatibleBody.ReadJsonAsync(context, GuardianJsonContext.Default.GuardianEvidenceBody);
        byte[]? csr = body.Csr is null ? null : V1Input.CsrDer(body.Csr);
        byte[]? challenge = body.Challenge is null ? null : V1Input.Hex32(body.Challenge, "challenge");
        GuardianVerification verified = await grains.GetGrain<IGuardianAttestationGrain>(0)
            .VerifyAsync(ns, new GuardianVerifyRequest(Evidence(body.Evidence), csr, challenge), context.RequestAborted);
        return Results.Json(
            new GuardianVerifiedBody(true, verified.MeasurementHash, verified.TcbStatus, verified.CertificatePem, verified.CaCertificatePem),
            GuardianJsonContext.Default.GuardianVerifiedBody);
    }

    private static async Task<IResult> GetMeasurementAsync(string ns, string hash, IGrainFactory grains, CancellationToken cancellationToken) =>
        Results.Json(ToBody(await grains.GetGrain<IGuardianRegistryGrain>(ns).GetAsync(hash, cancellationToken)), GuardianJsonContext.Default.GuardianMeasurementBody);

    private static async Task<IResult> ListMeasurementsAsync(string ns, IGrainFactory grains, CancellationToken cancellationToken) =>
        Results.Json((await grains.GetGrain<IGuardianRegistryGrain>(ns).ListAsync(cancellationToken)).Select(ToBody).ToArray(), GuardianJsonContext.Default.GuardianMeasurementBodyArray);

    private static async Task<IResult> AddMeasurementAsync(string ns, HttpContext context, IGrainFactory grains)
    {
        GuardianMeasurementBody body = await CompatibleBody.ReadJsonAsync(context, GuardianJsonContext.Default.GuardianMeasurementBody);
        if (body.Namespace is not null && body.Namespace != ns)
        {
            throw ApiProblemException.MalformedInput($"The body names namespace '{body.Namespace}' but the path names '{ns}'.");
        }

        if (body.RevokedAt is not null)
        {
            throw ApiProblemException.MalformedInput("A measurement is added unrevoked; revoke it with DELETE.");
        }

        if (body.Platform is null || body.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            throw ApiProblemException.MalformedInput("A measurement object has a platform (\"tdx\" or \"sev_snp\") and a data object.");
        }

        GuardianMeasurementView added = await grains.GetGrain<IGuardianRegistryGrain>(ns)
            .AddAsync(new GuardianMeasurement(body.Platform, data.GetRawText()), AdminRequestContext.AdminOf(context), context.RequestAborted);
        return Results.Json(ToBody(added), GuardianJsonContext.Default.GuardianMeasurementBody, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeMeasurementAsync(string ns, string hash, HttpContext context, IGrainFactory grains) =>
        Results.Json(
            ToBody(await grains.GetGrain<IGuardianRegistryGrain>(ns).RevokeAsync(hash, AdminRequestContext.AdminOf(context), context.RequestAborted)),
            GuardianJsonContext.Default.GuardianMeasurementBody);

    private static GuardianMeasurementBody ToBody(GuardianMeasurementView view)
    {
        JsonElement? data = null;
        if (view.DataJson is { } json)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            data = document.RootElement.Clone();
        }

        return new GuardianMeasurementBody(view.Namespace, view.Platform, data, view.RevokedAt?.ToUnixTimeSeconds(), view.MeasurementHash);
    }

    private static byte[] Evidence(string evidence) =>
        IsStrictBase64(evidence) ? Convert.FromBase64String(evidence) : throw ApiProblemException.MalformedInput("evidence is standard base64 (with padding).");

    private static bool IsStrictBase64(string value) =>
        value.Length > 0 && value.Length % 4 == 0 && value.TrimEnd('=').Length >= value.Length - 2
        && value.TrimEnd('=').All(c => char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/');

    /// <summary>
    /// Answers a request that carries tee-guardian's <c>Authorization: Bearer</c> but no KMS admin signature with a
    /// message that says what to send instead; runs before the admin signature check.
    /// </summary>
    private static TBuilder RefuseBearerTokens<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(static endpoint =>
        {
            RequestDelegate inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = async context =>
            {
                if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    && !context.Request.Headers.ContainsKey(Kms.Crypto.Signing.AdminRequestSignature.KeyIdHeader))
                {
                    context.Response.Headers.WWWAuthenticate = AdminRequestAuthenticator.Scheme;
                    await GuardianErrorFormat.Instance.WriteAsync(context, ApiErrorMapper.FromKind(ApiErrorKind.Unauthenticated,
                        "A Bearer token is not accepted: sign the request as a KMS admin (Kms-Admin-Key, Kms-Timestamp, Kms-Nonce, Kms-Signature headers; see docs/tee-guardian.md)."),
                        context.RequestAborted);
                    return;
                }

                await inner(context);
            };
        });
        return builder;
    }
}
