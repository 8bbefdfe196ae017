using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization.Metadata;
using Kms.Actors.Runtime;
using Kms.Actors.Serialization;
using Kms.Actors.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Actors.Client;

/// <summary>Options of <see cref="ClusterClient"/>.</summary>
public sealed class ClusterClientOptions
{
    /// <summary>Silo transport endpoints to use as gateways (<c>http://host:port/</c>). At least one is required.</summary>
    public IList<Uri> Gateways { get; } = [];

    /// <summary>The cluster certificate (with private key) when the silos use mutual TLS. Only the host and port of
    /// <see cref="Gateways"/> are used; the scheme follows this setting. Default <see langword="null"/> (h2c).</summary>
    public X509Certificate2? ClusterCertificate { get; set; }

    /// <summary>Grain interfaces this client calls.</summary>
    public IList<Type> GrainInterfaces { get; } = [];

    /// <summary>JSON contracts of the interfaces' parameters and results (common primitives are built in).</summary>
    public IList<IJsonTypeInfoResolver> JsonContexts { get; } = [];

    /// <summary>How long a call may take before <see cref="GrainCallTimeoutException"/>. Default 10 seconds.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a gateway that refused a connection is skipped. Default 30 seconds.</summary>
    public TimeSpan GatewayRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response accepted. Default 4 MiB.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Clock for timeouts. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Adds a grain interface.</summary>
    public ClusterClientOptions AddGrainInterface<TGrainInterface>()
        where TGrainInterface : IGrainWithStringKey
    {
        GrainInterfaces.Add(typeof(TGrainInterface));
        return this;
    }
}

/// <summary>Calls grains from outside the silos (trusted .NET services) through gateway silos over the silo
/// transport. A gateway routes each call like a local caller would. When a gateway refuses connections or is
/// shutting down, calls go to the next one; a call that may have reached a gateway is never re-sent.</summary>
public sealed partial class ClusterClient : IClusterClient, IGrainCallInvoker
{
    private readonly ClusterClientOptions _options;
    private readonly GrainFactory _factory;
    private readonly SiloTransportClient _transport;
    private readonly ILogger _logger;
    private readonly long[] _downUntil;
    private int _preferred;

    /// <summary>Creates a client and validates its grain interfaces.</summary>
    /// <exception cref="GrainInterfaceValidationException">An interface is unusable.</exception>
    public ClusterClient(ClusterClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Gateways.Count == 0)
        {
            throw new ArgumentException("At least one gateway is required.", nameof(options));
        }

        _options = options;
        var registry = GrainInterfaceRegistry.Create(options.GrainInterfaces, GrainInterfaceRegistry.CreateJsonOptions(options.JsonContexts));
        _factory = new GrainFactory(registry, this);
        _transport = new SiloTransportClient(options.MaxMessageSize, options.ClusterCertificate is { } certificate ? new ClusterCertificate(certificate) : null);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClusterClient>();
        _downUntil = new long[options.Gateways.Count];
    }

    /// <inheritdoc/>
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
        => _factory.GetGrain<TGrainInterface>(key);

    async Task<byte[]?> IGrainCallInvoker.InvokeAsync(GrainReference target, GrainMethod method, byte[] arguments)
    {
        TimeProvider time = _options.TimeProvider;
        using var deadline = new CancellationTokenSource(_options.ResponseTimeout, time);
        var request = new GrainRequestEnvelope(Guid.NewGuid(), method.Interface.Name, method.Name, target.Key, arguments,
            (int)Math.Ceiling(_options.ResponseTimeout.TotalMilliseconds), FromSilo: false, ForwardCount: 0);
        string lastProblem = "no gateway was tried";
        int first = Volatile.Read(ref _preferred);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < _downUntil.Length; i++)
            {
                int index = (first + i) % _downUntil.Length;
                if (pass == 0 && time.GetTimestamp() < Volatile.Read(ref _downUntil[index]))
                {
                    continue; // skipped on the first pass; retried on the second if nothing else worked
                }

                Uri gateway = _options.Gateways[index];
                GrainResponseEnvelope? response;
                try
                {
                    SendOutcome outcome;
                    (outcome, response) = await _transport.SendAsync(gateway.Host, gateway.Port, request, deadline.Token).ConfigureAwait(false);
                    if (outcome == SendOutcome.NotDelivered)
                    {
                        Volatile.Write(ref _downUntil[index], time.GetTimestamp() + (long)(_options.GatewayRetryDelay.TotalSeconds * time.TimestampFrequency));
                        lastProblem = $"gateway {gateway} refused the connection";
                        Log.GatewayDown(_logger, gateway);
                        continue;
                    }
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    throw new GrainCallTimeoutException($"Call to {method} on {target} did not complete within {_options.ResponseTimeout}.");
                }

                if (response!.Status == GrainResponseStatus.Unavailable)
                {
                    lastProblem = response.Message ?? $"gateway {gateway} is unavailable";
                    continue;
                }

                Volatile.Write(ref _preferred, index);
                return SiloTransportClient.Unwrap(response, $"{method} on {target}");
            }
        }

        throw new SiloUnavailableException($"Call to {method} on {target} failed on every gateway: {lastProblem}.");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _transport.Dispose();
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "Gateway {Gateway} refused the connection; trying the next one.")]
        public static partial void GatewayDown(ILogger logger, Uri gateway);
    }
}
