using System.Text.Json;
using Kms.Grains.Registry;

namespace Kms.Client.Registry;

/// <summary>
/// Verifies the KMS's own evidence: throws when <paramref name="attestation"/> is not valid evidence of an acceptable KMS
/// whose report data is exactly <paramref name="expectedReportData"/>.
/// </summary>
public delegate ValueTask KmsAttestationVerifier(ReadOnlyMemory<byte> attestation, ReadOnlyMemory<byte> expectedReportData, CancellationToken cancellationToken);

/// <summary>
/// A .NET client of the Go TEE registry's KMS routes, as the Go <c>kmshandler.SecretsProvider</c> does it
/// (<c>AppSecrets</c>, <c>OnboardKMS</c>) plus the PKI route, against Orleans.Kms or the Go server alike.
/// </summary>
public sealed class SecretsProvider
{
    private const int MaxResponseSize = 1024 * 1024;
    private readonly HttpClient _client;

    /// <summary>Creates the provider over <paramref name="client"/> (the caller owns it).</summary>
    public SecretsProvider(HttpClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>
    /// Sets <c>X-Flashbots-Attestation-Type</c> on requests (the Go client's debug option; in production the
    /// attested-TLS proxy sets it). Default: null, not sent.
    /// </summary>
    public string? DebugAttestationTypeHeader { get; init; }

    /// <summary>Sets <c>X-Flashbots-Measurement</c> on requests (debug option, as above). Default: null.</summary>
    public string? DebugMeasurementsHeader { get; init; }

    /// <summary>
    /// Checks the KMS's evidence in every answer against the report data the answer implies; without it only the
    /// binding's inputs are returned and the caller must verify. Default: null.
    /// </summary>
    public KmsAttestationVerifier? AttestationVerifier { get; init; }

    /// <summary>
    /// <c>POST {url}/api/attested/secrets/{contract}</c> with the PEM CSR; with <paramref name="evidence"/>, the
    /// instance's own evidence (direct-evidence mode) instead of a proxy's headers.
    /// </summary>
    /// <param name="url">The KMS base URL.</param>
    /// <param name="contract">The application contract address (20 bytes).</param>
    /// <param name="certificateRequestPem">The PEM CSR (CN <c>&lt;contract hex&gt;.app</c>).</param>
    /// <param name="evidence">Direct evidence, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="RegistryClientException">The KMS answered with an error status.</exception>
    /// <exception cref="RegistryAttestationException"><see cref="AttestationVerifier"/> refused the KMS's evidence.</exception>
    public async Task<AppSecrets> AppSecretsAsync(Uri url, ReadOnlyMemory<byte> contract, byte[] certificateRequestPem, RegistryEvidence? evidence = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(certificateRequestPem);
        RequireAddress(contract);
        using var request = new HttpRequestMessage(HttpMethod.Post, Combine(url, "api/attested/secrets/" + Convert.ToHexStringLower(contract.Span)))
        {
            Content = new ByteArrayContent(certificateRequestPem),
        };
        if (DebugAttestationTypeHeader is not null)
        {
            request.Headers.TryAddWithoutValidation(RegistryEvidenceHeaders.FlashbotsAttestationType, DebugAttestationTypeHeader);
        }

        if (DebugMeasurementsHeader is not null)
        {
            request.Headers.TryAddWithoutValidation(RegistryEvidenceHeaders.FlashbotsMeasurement, DebugMeasurementsHeader);
        }

        if (evidence is not null)
        {
            request.Headers.TryAddWithoutValidation(RegistryEvidenceHeaders.EvidenceType, evidence.EvidenceType);
            request.Headers.TryAddWithoutValidation(RegistryEvidenceHeaders.Evidence, Convert.ToBase64String(evidence.Evidence));
            request.Headers.TryAddWithoutValidation(RegistryEvidenceHeaders.Challenge, Convert.ToHexStringLower(evidence.Challenge));
            request.Headers.TryAddWithoutValidation(RegistryEvidenceHeaders.InstanceId, Convert.ToHexStringLower(evidence.InstanceId));
        }

        byte[] body = await SendAsync(request, "kms returned", cancellationToken).ConfigureAwait(false);
        AppSecrets secrets = ParseSecrets(body);
        await VerifyAsync(secrets.Attestation, secrets.ReportData(contract.Span), cancellationToken).ConfigureAwait(false);
        return secrets;
    }

    /// <summary>
    /// <c>GET {url}/api/attested/onboard/{hash}</c>: the ECIES-encrypted seed of the Go system. Orleans.Kms answers 501
    /// (its root key is never reassembled), which surfaces as <see cref="RegistryClientException"/>.
    /// </summary>
    /// <exception cref="RegistryClientException">The server answered with an error status.</exception>
    public async Task<byte[]> OnboardAsync(Uri url, ReadOnlyMemory<byte> onboardHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (onboardHash.Length != 32)
        {
            throw new ArgumentException("An onboard request hash is 32 bytes.", nameof(onboardHash));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, Combine(url, "api/attested/onboard/" + Convert.ToHexStringLower(onboardHash.Span)));
        return await SendAsync(request, "onboarding server responded with", cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET {url}/api/public/pki/{contract}</c>, its evidence checked by <see cref="AttestationVerifier"/> when set.</summary>
    /// <exception cref="RegistryClientException">The server answered with an error status.</exception>
    public async Task<AppPki> PkiAsync(Uri url, ReadOnlyMemory<byte> contract, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        RequireAddress(contract);
        using var request = new HttpRequestMessage(HttpMethod.Get, Combine(url, "api/public/pki/" + Convert.ToHexStringLower(contract.Span)));
        byte[] body = await SendAsync(request, "pki server responded with", cancellationToken).ConfigureAwait(false);
        AppPki pki;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            pki = new AppPki(
                root.GetProperty("ca_cert").GetBytesFromBase64(),
                root.GetProperty("app_pubkey").GetBytesFromBase64(),
                root.GetProperty("attestation").GetBytesFromBase64());
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new RegistryClientException(200, string.Empty, "could not parse pki response: " + exception.Message);
        }

        await VerifyAsync(pki.Attestation, pki.ReportData(contract.Span), cancellationToken).ConfigureAwait(false);
        return pki;
    }

    private static AppSecrets ParseSecrets(byte[] body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            JsonElement operatorArray = root.GetProperty("operator");
            if (operatorArray.GetArrayLength() != 20)
            {
                throw new FormatException("operator is not 20 numbers");
            }

            byte[] @operator = operatorArray.EnumerateArray().Select(e => e.GetByte()).ToArray();
            return new AppSecrets(
                root.GetProperty("app_privkey").GetBytesFromBase64(),
                root.GetProperty("tls_cert").GetBytesFromBase64(),
                @operator,
                root.GetProperty("attestation").GetBytesFromBase64());
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new RegistryClientException(200, string.Empty, "could not parse kms response: " + exception.Message);
        }
    }

    private async Task VerifyAsync(byte[] attestation, byte[] reportData, CancellationToken cancellationToken)
    {
        if (AttestationVerifier is { } verify)
        {
            try
            {
                await verify(attestation, reportData, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not RegistryAttestationException)
            {
                throw new RegistryAttestationException("The KMS's attestation does not verify for this answer: " + exception.Message);
            }
        }
    }

    private async Task<byte[]> SendAsync(HttpRequestMessage request, string errorPrefix, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxResponseSize)
        {
            throw new RegistryClientException((int)response.StatusCode, string.Empty, $"{errorPrefix} {(int)response.StatusCode}: response larger than {MaxResponseSize} bytes");
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxResponseSize)
            {
                throw new RegistryClientException((int)response.StatusCode, string.Empty, $"{errorPrefix} {(int)response.StatusCode}: response larger than {MaxResponseSize} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        byte[] body = buffer.ToArray();
        if (!response.IsSuccessStatusCode)
        {
            string text = System.Text.Encoding.UTF8.GetString(body);
            throw new RegistryClientException((int)response.StatusCode, text, $"{errorPrefix} {(int)response.StatusCode}: {text}");
        }

        return body;
    }

    private static Uri Combine(Uri baseUrl, string path)
    {
        string text = baseUrl.ToString();
        return new Uri(text.EndsWith('/') ? text + path : text + "/" + path);
    }

    private static void RequireAddress(ReadOnlyMemory<byte> contract)
    {
        if (contract.Length != 20)
        {
            throw new ArgumentException("A contract address is 20 bytes.", nameof(contract));
        }
    }
}
