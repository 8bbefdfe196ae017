using Kms.Grains;
using Kms.Grains.Registry;
using Kms.Grains.Release;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Kms.Api.Registry;

/// <summary>
/// The Go TEE registry routes (Ruteri/tee-service-provisioning-backend, seeds-protocols §1.5–§1.7), byte-compatible in
/// requests, statuses and bodies except where docs/registry-compat.md says otherwise. Parses and maps only; the
/// registry worker grain decides, signs and attests.
/// </summary>
internal static class RegistryEndpoints
{
    /// <summary>The largest CSR body read (a PEM CSR with an RSA-16384 key and many SANs stays far below).</summary>
    public const int MaxBodySize = 64 * 1024;

    /// <summary>Largest X-Kms-Evidence header value (base64).</summary>
    private const int MaxEvidenceHeaderLength = 350 * 1024;

    public const string OnboardNotSupported =
        "onboarding is not supported in Orleans.Kms: the root key is threshold-shared and never reassembled, so it cannot be " +
        "sent to a new KMS; silos join by resharing (see /v1/onboarding)";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/attested/secrets/{contract_address}", SecretsAsync)
            .WithTags("Go registry")
            .WithSummary("Go TEE registry: app key, TLS certificate, operator and the KMS's attestation for an attested instance (PEM CSR body).");
        endpoints.MapGet("/api/attested/onboard/{onboard_id}", OnboardAsync)
            .WithTags("Go registry")
            .WithSummary("Go TEE registry KMS onboarding: not supported (501); silos join by resharing.");
        endpoints.MapGet("/api/public/pki/{contract_address}", PkiAsync)
            .WithTags("Go registry")
            .WithSummary("Go TEE registry: an application's CA certificate, app public key and the KMS's attestation over them.");
    }

    private static async Task SecretsAsync(HttpContext context, string contract_address, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!RegistryAddress.TryParse(contract_address, out string? contract, out string error))
        {
            await GoRegistryResponses.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "invalid contract address: " + error, cancellationToken);
            return;
        }

        byte[]? body = await ReadBodyAsync(context.Request, cancellationToken);
        if (body is null)
        {
            await GoRegistryResponses.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "Failed to read request body", cancellationToken);
            return;
        }

        var request = new AppSecretsRequest(contract, body, Claim(context.Request.Headers));
        RegistryResult<AppSecretsRecord> result = await CallAsync(context, () => grains.GetGrain<IRegistryWorkerGrain>(0).AppSecretsAsync(request, cancellationToken));
        await WriteAsync(context, result, GoRegistryResponses.AppSecretsJson, cancellationToken);
    }

    private static async Task PkiAsync(HttpContext context, string contract_address, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!RegistryAddress.TryParse(contract_address, out string? contract, out _))
        {
            await GoRegistryResponses.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "Invalid contract address format", cancellationToken);
            return;
        }

        RegistryResult<AppPkiRecord> result = await CallAsync(context, () => grains.GetGrain<IRegistryWorkerGrain>(0).PkiAsync(contract, cancellationToken));
        await WriteAsync(context, result, GoRegistryResponses.PkiJson, cancellationToken);
    }

    private static Task OnboardAsync(HttpContext context, string onboard_id, CancellationToken cancellationToken)
    {
        // The Go handler's first step (hex.DecodeString, with its "contract address" wording) is kept, so a malformed id
        // still answers 400; a well-formed one can never be served here.
        if (onboard_id.Length % 2 != 0 || !onboard_id.All(char.IsAsciiHexDigit))
        {
            return GoRegistryResponses.WriteErrorAsync(
                context.Response, StatusCodes.Status400BadRequest, "invalid contract address: the onboard id is not an even number of hex characters", cancellationToken);
        }

        return GoRegistryResponses.WriteErrorAsync(context.Response, StatusCodes.Status501NotImplemented, OnboardNotSupported, cancellationToken);
    }

    private static RegistryClaim Claim(IHeaderDictionary headers)
    {
        string? type = Single(headers, RegistryEvidenceHeaders.FlashbotsAttestationType);
        string? measurements = Single(headers, RegistryEvidenceHeaders.FlashbotsMeasurement);
        string? evidenceType = Single(headers, RegistryEvidenceHeaders.EvidenceType);
        string? evidence = Single(headers, RegistryEvidenceHeaders.Evidence);
        if (evidenceType is null && evidence is null)
        {
            return new RegistryClaim(type, measurements);
        }

        // Malformed parts become empty values, which the worker refuses with the Go handler's "could not parse identity" 400
        // after it asked ApplicationAllowed, as for any other malformed claim.
        return new RegistryClaim(
            type,
            measurements,
            new EvidenceSubmission(evidenceType ?? string.Empty, Base64(evidence) ?? []),
            Hex32(Single(headers, RegistryEvidenceHeaders.Challenge)),
            Hex32(Single(headers, RegistryEvidenceHeaders.InstanceId)));
    }

    private static string? Single(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out StringValues values) && values.Count == 1 ? values[0] : null;

    private static byte[]? Base64(string? text)
    {
        if (text is null || text.Length > MaxEvidenceHeaderLength)
        {
            return null;
        }

        byte[] buffer = new byte[(text.Length / 4 * 3) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }

    private static byte[]? Hex32(string? text)
    {
        if (text is not { Length: 64 } || !text.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(text);
    }

    /// <summary>The body, or null when it cannot be read or exceeds <see cref="MaxBodySize"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodySize)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodySize)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (Exception exception) when (exception is IOException or BadHttpRequestException)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static async Task<RegistryResult<T>> CallAsync<T>(HttpContext context, Func<Task<RegistryResult<T>>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (KmsException exception)
        {
            RegistryOutcome outcome = exception.Kind switch
            {
                KmsErrorKind.MalformedInput => RegistryOutcome.BadRequest,
                KmsErrorKind.PolicyDenied or KmsErrorKind.Unauthenticated => RegistryOutcome.Unauthorized,
                KmsErrorKind.NotFound => RegistryOutcome.NotFound,
                _ => RegistryOutcome.Unavailable,
            };
            return RegistryResult<T>.Fail(outcome, exception.Message);
        }
        catch (Exception exception) when (exception is TimeoutException or Orleans.Runtime.OrleansException)
        {
            return RegistryResult<T>.Fail(RegistryOutcome.Unavailable, "the cluster cannot serve the request now; nothing was released");
        }
    }

    private static Task WriteAsync<T>(HttpContext context, RegistryResult<T> result, Func<T, string> json, CancellationToken cancellationToken)
        where T : class =>
        result.Outcome == RegistryOutcome.Ok && result.Value is { } value
            ? GoRegistryResponses.WriteJsonAsync(context.Response, json(value), cancellationToken)
            : GoRegistryResponses.WriteErrorAsync(context.Response, GoRegistryResponses.Status(result.Outcome), result.Message, cancellationToken);
}
