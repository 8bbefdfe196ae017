using System.Buffers;
using Kms.Crypto.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Kms.Api.Admin;

/// <summary>
/// Checks one signed admin request, in an order that keeps unauthenticated requests away from the nonce store:
/// headers, admin key, body (bounded), signature, clock skew, and only then the nonce. Failures are answered here
/// (401 with <c>WWW-Authenticate</c>, or 413) because the error middleware would clear that header.
/// </summary>
internal sealed partial class AdminRequestAuthenticator
{
    /// <summary>The authentication scheme named in <c>WWW-Authenticate</c>.</summary>
    public const string Scheme = "KMS-Admin-Signature";

    private const int InitialBodyBufferBytes = 64 * 1024;

    private static readonly string[] s_headers =
    [
        AdminRequestSignature.KeyIdHeader, AdminRequestSignature.TimestampHeader,
        AdminRequestSignature.NonceHeader, AdminRequestSignature.SignatureHeader,
    ];

    private readonly IAdminKeyStore _keys;
    private readonly IAdminNonceStore _nonces;
    private readonly TimeProvider _time;
    private readonly AdminAuthenticationOptions _options;
    private readonly ILogger<AdminRequestAuthenticator> _logger;

    public AdminRequestAuthenticator(
        IAdminKeyStore keys, IAdminNonceStore nonces, TimeProvider time, IOptions<AdminAuthenticationOptions> options,
        ILogger<AdminRequestAuthenticator> logger)
    {
        _keys = keys;
        _nonces = nonces;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// Authenticates the request. On success the admin's key id is in <see cref="HttpContext.Items"/> and the body is
    /// rewound for the endpoint; otherwise the error response has been written.
    /// </summary>
    /// <returns><see langword="true"/> when the endpoint may run.</returns>
    public async Task<bool> AuthenticateAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        CancellationToken cancellationToken = context.RequestAborted;
        foreach (string header in s_headers)
        {
            if (request.Headers[header].Count > 1)
            {
                return await RejectAsync(context, $"The {header} header appears more than once.");
            }
        }

        AdminSignatureCheck check = AdminRequestSignature.TryParse(
            Single(request.Headers[AdminRequestSignature.KeyIdHeader]),
            Single(request.Headers[AdminRequestSignature.TimestampHeader]),
            Single(request.Headers[AdminRequestSignature.NonceHeader]),
            Single(request.Headers[AdminRequestSignature.SignatureHeader]),
            out ParsedAdminRequestHeaders? headers);
        if (!check.IsValid)
        {
            return await RejectAsync(context, check.Message);
        }

        AdminPublicKey? key = await _keys.FindAsync(headers!.KeyId, cancellationToken);
        if (key is null)
        {
            return await RejectAsync(context, "No admin key is registered under this key id.");
        }

        byte[]? body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            LogBodyTooLarge(_logger, request.Method, request.Path, _options.MaxBodyBytes);
            ApiError tooLarge = ApiErrorMapper.FromKind(ApiErrorKind.ContentTooLarge,
                $"An admin request body may be at most {_options.MaxBodyBytes} bytes.");
            await ApiErrorFormat.WriteForEndpointAsync(context, tooLarge, cancellationToken);
            return false;
        }

        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        check = AdminRequestSignature.Verify(headers, request.Method, target, body, key.SubjectPublicKeyInfo.Span);
        if (!check.IsValid)
        {
            return await RejectAsync(context, check.Message);
        }

        if ((_time.GetUtcNow() - headers.Timestamp).Duration() > _options.MaxClockSkew)
        {
            return await RejectAsync(context,
                $"The {AdminRequestSignature.TimestampHeader} header is more than {_options.MaxClockSkew.TotalSeconds:0} " +
                "seconds away from the server's clock.");
        }

        if (!await _nonces.TryUseAsync(headers.KeyId, headers.Nonce, headers.Timestamp + _options.MaxClockSkew, cancellationToken))
        {
            return await RejectAsync(context,
                $"This request was already received: its {AdminRequestSignature.NonceHeader} was used before.");
        }

        context.Items[KmsAdminEndpointExtensions.AdminKeyIdItemKey] = headers.KeyId;
        LogAuthenticated(_logger, request.Method, request.Path, headers.KeyId);
        return true;
    }

    private static string? Single(StringValues values) => values.Count == 1 ? values[0] : null;

    /// <summary>The whole body, or <see langword="null"/> when it is larger than allowed. Leaves it readable again.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        int limit = _options.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return null;
        }

        // A declared length is only a hint: the client has not proven anything yet, so it does not size our buffer.
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, InitialBodyBufferBytes));
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        byte[] body = buffer.ToArray();
        // The endpoint binds from exactly the bytes that were verified.
        request.Body = new MemoryStream(body, writable: false);
        return body;
    }

    private async Task<bool> RejectAsync(HttpContext context, string detail)
    {
        LogRejected(_logger, context.Request.Method, context.Request.Path, detail);
        context.Response.Headers.WWWAuthenticate = Scheme;
        await ApiErrorFormat.WriteForEndpointAsync(
            context, ApiErrorMapper.FromKind(ApiErrorKind.Unauthenticated, detail), context.RequestAborted);
        return false;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Admin request {Method} {Path} authenticated with admin key {AdminKeyId}")]
    private static partial void LogAuthenticated(ILogger logger, string method, PathString path, string adminKeyId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Rejected admin request {Method} {Path}: {Detail}")]
    private static partial void LogRejected(ILogger logger, string method, PathString path, string detail);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information,
        Message = "Rejected admin request {Method} {Path}: the body is larger than {MaxBodyBytes} bytes")]
    private static partial void LogBodyTooLarge(ILogger logger, string method, PathString path, int maxBodyBytes);
}
