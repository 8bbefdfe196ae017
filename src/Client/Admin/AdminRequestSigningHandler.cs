using System.Net.Http.Headers;
using System.Security.Cryptography;
using Kms.Crypto.Signing;

namespace Kms.Client.Admin;

/// <summary>
/// Signs every request it sends as an admin request (<see cref="AdminRequestSignature"/>): a fresh nonce per request,
/// the time from the given <see cref="TimeProvider"/>, and the admin's P-256 key. The body is buffered so that the bytes
/// sent are the bytes signed. Put it in an <see cref="HttpClient"/> that talks only to admin routes of a KMS silo.
/// </summary>
public sealed class AdminRequestSigningHandler : DelegatingHandler
{
    private readonly string _keyId;
    private readonly ECDsa _key;
    private readonly TimeProvider _time;

    /// <summary>Creates a handler that signs with <paramref name="key"/> under <paramref name="keyId"/>.</summary>
    /// <param name="keyId">The id the admin key was registered under (1–64 characters of <c>[A-Za-z0-9._-]</c>).</param>
    /// <param name="key">The admin's ECDSA P-256 private key; the caller keeps ownership and disposes it after the handler.</param>
    /// <param name="timeProvider">The clock for <c>Kms-Timestamp</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The key is not P-256 or the key id is malformed.</exception>
    public AdminRequestSigningHandler(string keyId, ECDsa key, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(key);
        if (!AdminRequestSignature.IsP256(key))
        {
            throw new ArgumentException("Admin requests are signed with ECDSA P-256 keys only.", nameof(key));
        }

        if (!AdminRequestSignature.IsValidKeyId(keyId))
        {
            throw new ArgumentException(
                $"The admin key id must be 1 to {AdminRequestSignature.MaxKeyIdLength} characters of A-Z, a-z, 0-9, '.', '_' or '-'.",
                nameof(keyId));
        }

        _keyId = keyId;
        _key = key;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri uri = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : throw new InvalidOperationException("Admin requests need an absolute URI (set HttpClient.BaseAddress).");

        byte[] body = [];
        if (request.Content is HttpContent content)
        {
            body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            // Replaces streaming content with the exact bytes that are signed.
            var buffered = new ByteArrayContent(body);
            foreach (KeyValuePair<string, IEnumerable<string>> header in content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content = buffered;
            content.Dispose();
        }

        // PathAndQuery is the escaped form HttpClient puts on the request line.
        AdminRequestHeaders signed = AdminRequestSignature.Sign(
            _key, _keyId, request.Method.Method, uri.PathAndQuery, body, _time.GetUtcNow());
        HttpRequestHeaders headers = request.Headers;
        Set(headers, AdminRequestSignature.KeyIdHeader, signed.KeyId);
        Set(headers, AdminRequestSignature.TimestampHeader, signed.Timestamp);
        Set(headers, AdminRequestSignature.NonceHeader, signed.Nonce);
        Set(headers, AdminRequestSignature.SignatureHeader, signed.Signature);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static void Set(HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }
}
