using System.Buffers.Binary;
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

    /// <summary>The route taking several calls in one request (<see cref="BatchFraming"/>).</summary>
    public const string BatchPath = "kms-actors/v1/batch";

    /// <summary>The <see cref="GrainCallException.RemoteExceptionType"/> of requests a silo rejected as malformed.</summary>
    public const string InvalidRequestType = "Kms.Actors.InvalidGrainRequest";
    private static readonly MediaTypeHeaderValue s_batch = new("application/octet-stream");
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<(string Host, int Port), PeerQueue> _peers = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly int _maxMessageSize;

    /// <summary>Batches stop growing at this size (a single call may be larger, up to the message size limit):
    /// large enough to amortize a request over many small calls, small enough not to delay the first of them.</summary>
    private readonly int _maxBatchSize;

    private readonly string _scheme;

    /// <summary>Creates the client; with <paramref name="clusterCertificate"/>, calls use mutual TLS (https),
    /// otherwise h2c.</summary>
    public SiloTransportClient(int maxMessageSize, ClusterCertificate? clusterCertificate = null)
    {
        _maxMessageSize = maxMessageSize;
        _maxBatchSize = Math.Min(maxMessageSize, 64 * 1024);
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

    /// <summary>Sends one call. Calls to the same silo that are queued while a batch is being assembled travel
    /// together in one HTTP/2 request (see <see cref="BatchFraming"/>); each still gets its own response as soon as
    /// it completes. Cancellation abandons the wait only: a call already sent may still run.</summary>
    public async Task<(SendOutcome Outcome, GrainResponseEnvelope? Response)> SendAsync(string host, int port, GrainRequestEnvelope request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] encoded = JsonSerializer.SerializeToUtf8Bytes(request, TransportJsonContext.Default.GrainRequestEnvelope);
        if (encoded.Length + BatchFraming.PrefixLength > _maxMessageSize)
        {
            throw new SiloUnavailableException($"Call to silo {host}:{port} is larger than the message size limit ({_maxMessageSize} bytes); it was not sent.");
        }

        PeerQueue peer = _peers.GetOrAdd((host, port), static (key, owner) => new PeerQueue(owner, key.Host, key.Port), this);
        var call = new PendingCall(request.RequestId, encoded);
        peer.Enqueue(call);
        return await call.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SendBatchAsync(PeerQueue peer, List<PendingCall> calls)
    {
        int bodyLength = 0;
        foreach (PendingCall call in calls)
        {
            bodyLength += BatchFraming.PrefixLength + call.Encoded.Length;
        }

        var body = new byte[bodyLength];
        var byId = new Dictionary<Guid, PendingCall>(calls.Count);
        int offset = 0;
        foreach (PendingCall call in calls)
        {
            BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(offset), call.Encoded.Length);
            call.Encoded.CopyTo(body.AsSpan(offset + BatchFraming.PrefixLength));
            offset += BatchFraming.PrefixLength + call.Encoded.Length;
            byId[call.RequestId] = call;
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = s_batch;
        using var message = new HttpRequestMessage(HttpMethod.Post, peer.BatchUri)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        try
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, _disposed.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                foreach (PendingCall call in calls)
                {
                    call.TrySetResult((SendOutcome.NotDelivered, null));
                }

                return;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && calls.Count > 1)
                {
                    // The silo's size limit is below ours, and it rejected the batch before running any of it:
                    // halves go again until each fits (a single call that does not fit fails as before).
                    int half = calls.Count / 2;
                    Task first = SendBatchAsync(peer, calls.GetRange(0, half));
                    Task second = SendBatchAsync(peer, calls.GetRange(half, calls.Count - half));
                    byId.Clear();
                    await Task.WhenAll(first, second).ConfigureAwait(false);
                    return;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new SiloUnavailableException($"Silo {peer.Host}:{peer.Port} answered HTTP {(int)response.StatusCode}.");
                }

                await using Stream stream = await response.Content.ReadAsStreamAsync(_disposed.Token).ConfigureAwait(false);
                byte[] prefix = new byte[BatchFraming.PrefixLength];
                int remaining = calls.Count;
                while (remaining > 0)
                {
                    await stream.ReadExactlyAsync(prefix, _disposed.Token).ConfigureAwait(false);
                    int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
                    if (length <= 0 || length > _maxMessageSize)
                    {
                        throw new SiloUnavailableException($"Silo {peer.Host}:{peer.Port} sent a response frame of {length} bytes.");
                    }

                    byte[] frame = new byte[length];
                    await stream.ReadExactlyAsync(frame, _disposed.Token).ConfigureAwait(false);
                    GrainResponseEnvelope? envelope = JsonSerializer.Deserialize(frame, TransportJsonContext.Default.GrainResponseEnvelope);
                    if (envelope is null || !byId.Remove(envelope.RequestId, out PendingCall? call))
                    {
                        throw new SiloUnavailableException($"Silo {peer.Host}:{peer.Port} sent a response for another request.");
                    }

                    call.TrySetResult((SendOutcome.Responded, envelope));
                    remaining--;
                }
            }
        }
        catch (Exception ex)
        {
            Exception failure = ex switch
            {
                SiloUnavailableException => ex,
                OperationCanceledException when _disposed.IsCancellationRequested => new SiloUnavailableException("The transport was disposed; the call may or may not have run.", ex),
                _ => new SiloUnavailableException($"Call to silo {peer.Host}:{peer.Port} failed; it may or may not have run: {ex.Message}", ex),
            };
            foreach (PendingCall call in byId.Values)
            {
                call.TrySetException(failure);
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

    public void Dispose()
    {
        _disposed.Cancel();
        _http.Dispose(); // _disposed stays undisposed: batches still in flight read its token
    }

    /// <summary>A call waiting for its batch to be sent and its response to arrive.</summary>
    private sealed class PendingCall(Guid requestId, byte[] encoded)
        : TaskCompletionSource<(SendOutcome Outcome, GrainResponseEnvelope? Response)>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Guid RequestId { get; } = requestId;

        public byte[] Encoded { get; } = encoded;
    }

    /// <summary>The calls queued for one silo, and the single pump that cuts them into batches. Batches are sent
    /// without waiting for earlier ones, so their number in flight is as unbounded as separate requests were.</summary>
    private sealed class PeerQueue(SiloTransportClient owner, string host, int port)
    {
        private readonly ConcurrentQueue<PendingCall> _queue = new();
        private int _pumping;

        public string Host { get; } = host;

        public int Port { get; } = port;

        public Uri BatchUri { get; } = new(new SiloAddress(host, port, 0).ToUri(owner._scheme), BatchPath);

        public void Enqueue(PendingCall call)
        {
            _queue.Enqueue(call);
            if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static peer => peer.Pump(), this, preferLocal: false);
            }
        }

        private void Pump()
        {
            while (true)
            {
                while (!_queue.IsEmpty)
                {
                    var batch = new List<PendingCall>();
                    int bodyLength = 0;
                    while (batch.Count < BatchFraming.MaxCallsPerBatch && _queue.TryPeek(out PendingCall? next)
                        && (batch.Count == 0 || bodyLength + BatchFraming.PrefixLength + next.Encoded.Length <= owner._maxBatchSize)
                        && _queue.TryDequeue(out next))
                    {
                        batch.Add(next);
                        bodyLength += BatchFraming.PrefixLength + next.Encoded.Length;
                    }

                    if (batch.Count > 0)
                    {
                        _ = owner.SendBatchAsync(this, batch);
                    }
                }

                Volatile.Write(ref _pumping, 0);
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _pumping, 1, 0) != 0)
                {
                    return;
                }
            }
        }
    }
}
