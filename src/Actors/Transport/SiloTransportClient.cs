using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Kms.Actors.Membership;

namespace Kms.Actors.Transport;

/// <summary>How a send ended.</summary>
internal enum SendOutcome
{
    /// <summary>A response arrived.</summary>
    Responded,
    /// <summary>The request certainly did not reach the silo (connection refused): safe to send elsewhere.</summary>
    NotDelivered,
}

/// <summary>Sends grain calls to silos over HTTP/2 (h2c with prior knowledge in v1), one pooled client for all.</summary>
internal sealed class SiloTransportClient : IDisposable
{
    public const string CallPath = "kms-actors/v1/call";

    /// <summary>The <see cref="GrainCallException.RemoteExceptionType"/> of requests a silo rejected as malformed.</summary>
    public const string InvalidRequestType = "Kms.Actors.InvalidGrainRequest";
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<(string Host, int Port), Uri> _uris = new();
    private readonly int _maxMessageSize;

    private readonly string _scheme;

    /// <summary>Creates the client; with <paramref name="clusterCertificate"/>, calls use mutual TLS (https),
    /// otherwise h2c.</summary>
    public SiloTransportClient(int maxMessageSize, ClusterCertificate? clusterCertificate = null)
    {
        _maxMessageSize = maxMessageSize;
        _scheme = clusterCertificate is null ? "http" : "https";
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = clusterCertificate?.ClientOptions() ?? new System.Net.Security.SslClientAuthenticationOptions(),
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan, // callers enforce their own deadlines
        };
    }

    public Task<(SendOutcome Outcome, GrainResponseEnvelope? Response)> SendAsync(SiloAddress silo, GrainRequestEnvelope request, CancellationToken cancellationToken)
        => SendAsync(silo.Host, silo.Port, request, cancellationToken);

    public async Task<(SendOutcome Outcome, GrainResponseEnvelope? Response)> SendAsync(string host, int port, GrainRequestEnvelope request, CancellationToken cancellationToken)
    {
        Uri uri = _uris.GetOrAdd((host, port), static (key, scheme) => new Uri(new SiloAddress(key.Host, key.Port, 0).ToUri(scheme), CallPath), _scheme);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, TransportJsonContext.Default.GrainRequestEnvelope));
        content.Headers.ContentType = s_json;
        using var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return (SendOutcome.NotDelivered, null);
        }
        catch (HttpRequestException ex)
        {
            throw new SiloUnavailableException($"Call to silo {host}:{port} failed; it may or may not have run: {ex.Message}", ex);
        }

        using (response)
        {
            long? length = response.Content.Headers.ContentLength;
            if (response.StatusCode != HttpStatusCode.OK || length is null or <= 0 || length > _maxMessageSize)
            {
                throw new SiloUnavailableException($"Silo {host}:{port} answered HTTP {(int)response.StatusCode} with an unusable body.");
            }

            try
            {
                byte[] body = new byte[length.Value];
                await using (Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
                {
                    await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
                }

                GrainResponseEnvelope? envelope = JsonSerializer.Deserialize(body, TransportJsonContext.Default.GrainResponseEnvelope);
                return envelope is null || envelope.RequestId != request.RequestId
                    ? throw new SiloUnavailableException($"Silo {host}:{port} sent a response for another request.")
                    : (SendOutcome.Responded, envelope);
            }
            catch (Exception ex) when (ex is JsonException or EndOfStreamException or HttpRequestException or IOException)
            {
                throw new SiloUnavailableException($"Silo {host}:{port} sent a malformed or incomplete response; the call may or may not have run.", ex);
            }
        }
    }

    /// <summary>Turns a response into the call's result or the exception its caller sees.</summary>
    public static byte[]? Unwrap(GrainResponseEnvelope response, string what) => response.Status switch
    {
        GrainResponseStatus.Ok => response.Result,
        GrainResponseStatus.Error => throw new GrainCallException(response.ExceptionType ?? "Exception", response.Message ?? ""),
        GrainResponseStatus.Timeout => throw new GrainCallTimeoutException(response.Message ?? $"{what} timed out."),
        GrainResponseStatus.Unavailable => throw new SiloUnavailableException(response.Message ?? $"{what}: silo unavailable."),
        _ => throw new GrainCallException(InvalidRequestType, response.Message ?? "The silo rejected the request."),
    };

    public void Dispose() => _http.Dispose();
}
