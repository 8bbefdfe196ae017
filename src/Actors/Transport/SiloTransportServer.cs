using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using System.Text.Json;
using Kms.Actors.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kms.Actors.Transport;

/// <summary>The silo's transport endpoint: a private Kestrel server speaking HTTP/2 only (h2c with prior knowledge, or
/// mutual TLS with the cluster certificate), with one route that accepts <see cref="GrainRequestEnvelope"/>s.</summary>
internal sealed partial class SiloTransportServer(GrainRouter router, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SiloTransportServer>();
    private static readonly PathString s_callPath = "/" + SiloTransportClient.CallPath;
    private static readonly PathString s_batchPath = "/" + SiloTransportClient.BatchPath;
    private WebApplication? _app;
    private int _maxMessageSize;

    /// <summary>Starts listening; returns the actual port (when <paramref name="port"/> is 0).</summary>
    public async Task<int> StartAsync(string host, int port, int maxMessageSize, ClusterCertificate? clusterCertificate, CancellationToken cancellationToken)
    {
        _maxMessageSize = maxMessageSize;
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        // The transport is a component of the silo, not an application: no console lifetime (signal handlers belong
        // to the outer host), and its logs go to the silo's logger factory without per-request noise.
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, EmbeddedLifetime>());
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxMessageSize;
            kestrel.Listen(IPAddress.Parse(host), port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (clusterCertificate is not null)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = clusterCertificate.Certificate,
                        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = (peer, _, _) => clusterCertificate.Matches(peer),
                        SslProtocols = System.Security.Authentication.SslProtocols.Tls13,
                    });
                }
            });
        });
        WebApplication app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address).Port;
    }

    /// <summary>Stops accepting connections; in-flight requests get until the token fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task HandleAsync(HttpContext context)
    {
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (context.Request.Path == s_batchPath)
            {
                return HandleBatchAsync(context);
            }

            if (context.Request.Path == s_callPath)
            {
                return HandleCallAsync(context);
            }
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>Reads a whole request body of the announced length, within the size limit; null (with the status
    /// set) when the body is missing, empty, too large or incomplete.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        // Bodies are read into one array of the announced length: no pooled stream buffers (which run out under
        // hundreds of concurrent calls and then allocate), and a hard size limit before anything is allocated.
        long? length = context.Request.ContentLength;
        if (length is null or <= 0 || length > _maxMessageSize)
        {
            context.Response.StatusCode = length switch
            {
                null => StatusCodes.Status411LengthRequired,
                <= 0 => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status413PayloadTooLarge,
            };
            return null;
        }

        try
        {
            byte[] body = new byte[length.Value];
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted).ConfigureAwait(false);
            return body;
        }
        catch (Exception ex) when (ex is EndOfStreamException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            Log.MalformedRequest(_logger, context.Connection.RemoteIpAddress, ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
    }

    /// <summary>Serves a batch: every frame is validated before any call starts (a malformed batch runs nothing),
    /// calls start in frame order, and each answer is written as soon as its call completes.</summary>
    private async Task HandleBatchAsync(HttpContext context)
    {
        if (await ReadBodyAsync(context).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        var requests = new List<GrainRequestEnvelope>();
        try
        {
            foreach (ReadOnlyMemory<byte> frame in BatchFraming.Split(body))
            {
                requests.Add(JsonSerializer.Deserialize(frame.Span, TransportJsonContext.Default.GrainRequestEnvelope)
                    ?? throw new JsonException("A batch frame is null."));
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            Log.MalformedRequest(_logger, context.Connection.RemoteIpAddress, ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // Answers are queued as calls complete; whatever is ready goes out in one flush (one DATA frame under load).
        var answers = Channel.CreateUnbounded<GrainResponseEnvelope>(new UnboundedChannelOptions { SingleReader = true });
        foreach (GrainRequestEnvelope request in requests)
        {
            _ = ServeAsync(request, answers.Writer);
        }

        context.Response.ContentType = "application/octet-stream";
        PipeWriter output = context.Response.BodyWriter;
        try
        {
            for (int remaining = requests.Count; remaining > 0;)
            {
                await answers.Reader.WaitToReadAsync(context.RequestAborted).ConfigureAwait(false);
                while (remaining > 0 && answers.Reader.TryRead(out GrainResponseEnvelope? answer))
                {
                    byte[] encoded = JsonSerializer.SerializeToUtf8Bytes(answer, TransportJsonContext.Default.GrainResponseEnvelope);
                    Span<byte> prefix = output.GetSpan(BatchFraming.PrefixLength);
                    BinaryPrimitives.WriteInt32BigEndian(prefix, encoded.Length);
                    output.Advance(BatchFraming.PrefixLength);
                    output.Write(encoded);
                    remaining--;
                }

                FlushResult flushed = await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away (disposed, or its connection broke); the calls still run to completion here.
        }
    }

    /// <summary>One call of a batch; always answers, so one broken call cannot cut the answers of the others.</summary>
    private async Task ServeAsync(GrainRequestEnvelope request, ChannelWriter<GrainResponseEnvelope> answers)
    {
        GrainResponseEnvelope answer;
        try
        {
            answer = await router.HandleRemoteAsync(request).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.MalformedRequest(_logger, null, ex.Message);
            answer = new GrainResponseEnvelope(request.RequestId, GrainResponseStatus.InvalidRequest, null, null, "The silo could not serve the request.");
        }

        answers.TryWrite(answer); // unbounded: always accepted
    }

    private async Task HandleCallAsync(HttpContext context)
    {
        if (await ReadBodyAsync(context).ConfigureAwait(false) is not { } requestBody)
        {
            return;
        }

        GrainRequestEnvelope? request;
        try
        {
            request = JsonSerializer.Deserialize(requestBody, TransportJsonContext.Default.GrainRequestEnvelope);
        }
        catch (JsonException ex)
        {
            Log.MalformedRequest(_logger, context.Connection.RemoteIpAddress, ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (request is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        GrainResponseEnvelope response = await router.HandleRemoteAsync(request).ConfigureAwait(false);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(response, TransportJsonContext.Default.GrainResponseEnvelope);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A host lifetime that does nothing: the silo starts and stops the transport.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Hands the transport's loggers to the silo's logger factory.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
            // The target factory belongs to the silo's host.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Warning, "Rejected a malformed grain request from {Remote}: {Reason}")]
        public static partial void MalformedRequest(ILogger logger, IPAddress? remote, string reason);
    }
}
