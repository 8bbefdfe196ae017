using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Client.Workloads;

/// <summary>
/// HTTP to a set of KMS silos: one request with a timeout and a bounded answer, problem-details errors turned into
/// <see cref="KmsApiException"/>, and <see cref="RunAsync{T}"/>, which repeats a whole exchange on the next silo when
/// one is unreachable, times out or answers 502/503/504 — never after a refusal (4xx) or a 500.
/// </summary>
public sealed partial class KmsApiTransport
{
    /// <summary>The JSON settings of the API: camelCase, nulls left out.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly Uri[] _baseAddresses;
    private readonly TimeSpan _requestTimeout;
    private readonly int _rounds;
    private readonly TimeSpan _retryDelay;
    private readonly int _maxResponseBytes;
    private readonly ILogger _logger;
    private int _preferred;

    /// <summary>Creates a transport over <paramref name="http"/> (whose own timeout should be longer than
    /// <paramref name="requestTimeout"/>; the transport enforces its own).</summary>
    public KmsApiTransport(
        HttpClient http, IEnumerable<Uri> baseAddresses, TimeSpan requestTimeout, int rounds, TimeSpan retryDelay, int maxResponseBytes, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddresses);
        _http = http;
        _baseAddresses = [.. baseAddresses];
        if (_baseAddresses.Length == 0)
        {
            throw new ArgumentException("At least one silo address is needed.", nameof(baseAddresses));
        }

        _requestTimeout = requestTimeout;
        _rounds = Math.Max(1, rounds);
        _retryDelay = retryDelay;
        _maxResponseBytes = maxResponseBytes;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Creates a transport with the retry settings of <paramref name="options"/>.</summary>
    public KmsApiTransport(HttpClient http, KmsWorkloadClientOptions options, ILogger? logger = null)
        : this(http, Required(options).BaseAddresses, options.RequestTimeout, options.Rounds, options.RetryDelay, options.MaxResponseBytes, logger)
    {
    }

    /// <summary>
    /// Runs <paramref name="exchange"/> against one silo after another (starting with the last that answered) until it
    /// succeeds, fails with an error that another silo would repeat, or every silo failed <c>rounds</c> times.
    /// </summary>
    /// <exception cref="KmsApiException">A silo refused the request (4xx) or failed with 500.</exception>
    /// <exception cref="KmsUnavailableException">No silo could serve it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<T> RunAsync<T>(string what, Func<Uri, CancellationToken, Task<T>> exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var failures = new List<Exception>();
        for (int round = 0; round < _rounds; round++)
        {
            if (round > 0)
            {
                await Task.Delay(_retryDelay, cancellationToken).ConfigureAwait(false);
            }

            int first = Volatile.Read(ref _preferred);
            for (int i = 0; i < _baseAddresses.Length; i++)
            {
                int index = (first + i) % _baseAddresses.Length;
                Uri silo = _baseAddresses[index];
                try
                {
                    T result = await exchange(silo, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _preferred, index);
                    return result;
                }
                catch (Exception exception) when (IsUnavailable(exception, cancellationToken))
                {
                    failures.Add(exception);
                    LogSiloUnavailable(_logger, what, silo, exception.Message);
                }
            }
        }

        LogAllUnavailable(_logger, what, _baseAddresses.Length, _rounds);
        throw new KmsUnavailableException(
            $"No KMS silo could {what}: {_baseAddresses.Length} address(es) tried {_rounds} time(s); last error: {failures[^1].Message}", failures);
    }

    /// <summary>Sends one request to <paramref name="silo"/> and reads the JSON answer.</summary>
    /// <exception cref="KmsApiException">The silo answered with an error status.</exception>
    /// <exception cref="InvalidDataException">The answer is not the expected JSON.</exception>
    /// <exception cref="TimeoutException">The request took longer than the request timeout.</exception>
    public async Task<T> SendJsonAsync<T>(Uri silo, HttpMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken)
    {
        byte[] answer = await SendAsync(silo, method, pathAndQuery, body, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize<T>(answer, Json)
                ?? throw new InvalidDataException($"The KMS answered {method} {pathAndQuery} with null.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The KMS answer to {method} {pathAndQuery} is not the expected JSON: {exception.Message}");
        }
    }

    /// <summary>Sends one request to <paramref name="silo"/>; returns the answer body (at most the configured size).</summary>
    /// <exception cref="KmsApiException">The silo answered with an error status.</exception>
    /// <exception cref="TimeoutException">The request took longer than the request timeout.</exception>
    public async Task<byte[]> SendAsync(Uri silo, HttpMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var uri = new Uri(silo, pathAndQuery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body as byte[] ?? JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            byte[] answer = await ReadBoundedAsync(response.Content, _maxResponseBytes, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw ProblemReader.ToException((int)response.StatusCode, response.ReasonPhrase, answer, uri);
            }

            return answer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{method} {uri} did not complete within {_requestTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static KmsWorkloadClientOptions Required(KmsWorkloadClientOptions? options) =>
        options ?? throw new ArgumentNullException(nameof(options));

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new InvalidDataException($"The KMS answer is larger than {limit} bytes.");
        }

        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"The KMS answer is larger than {limit} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => false,
        _ when cancellationToken.IsCancellationRequested => false,
        HttpRequestException or IOException or TimeoutException => true,
        KmsApiException api => api.Status is (int)HttpStatusCode.BadGateway or (int)HttpStatusCode.ServiceUnavailable or (int)HttpStatusCode.GatewayTimeout,
        _ => false,
    };

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "KMS silo {Silo} could not {What}: {Reason}; trying the next silo.")]
    private static partial void LogSiloUnavailable(ILogger logger, string what, Uri silo, string reason);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Error, Message = "No KMS silo could {What}: {Silos} address(es), {Rounds} round(s).")]
    private static partial void LogAllUnavailable(ILogger logger, string what, int silos, int rounds);
}
