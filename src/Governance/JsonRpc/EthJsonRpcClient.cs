using System.Diagnostics;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.JsonRpc;

/// <summary>
/// An Ethereum JSON-RPC 2.0 client over HTTP. Every response is parsed strictly; node errors become
/// <see cref="JsonRpcException"/> (with revert data for reverted calls), transport and format problems
/// <see cref="JsonRpcTransportException"/>.
/// </summary>
// Ours, not Nethereum.JsonRpc.RpcClient: its IClient (6.1.0) takes no CancellationToken and reads responses with no size bound.
public sealed class EthJsonRpcClient
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private readonly HttpClient _httpClient;
    private readonly EthJsonRpcClientOptions _options;
    private long _nextId;

    /// <summary>Creates a client; <paramref name="httpClient"/> is not disposed by this class.</summary>
    public EthJsonRpcClient(HttpClient httpClient, EthJsonRpcClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _httpClient = httpClient;
        _options = options;
    }

    /// <summary>eth_chainId.</summary>
    public async Task<BigInteger> GetChainIdAsync(CancellationToken cancellationToken = default) =>
        Quantity(await RequestAsync("eth_chainId", [], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_blockNumber.</summary>
    public async Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken = default) =>
        UInt64(await RequestAsync("eth_blockNumber", [], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_getBalance.</summary>
    public async Task<BigInteger> GetBalanceAsync(EthereumAddress address, BlockTag block, CancellationToken cancellationToken = default) =>
        Quantity(await RequestAsync("eth_getBalance", [address.ToLowerHexString(), block.ToString()], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_getCode.</summary>
    public async Task<byte[]> GetCodeAsync(EthereumAddress address, BlockTag block, CancellationToken cancellationToken = default) =>
        Data(await RequestAsync("eth_getCode", [address.ToLowerHexString(), block.ToString()], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_getTransactionCount (the next nonce at <paramref name="block"/>; use Pending for sending).</summary>
    public async Task<ulong> GetTransactionCountAsync(EthereumAddress address, BlockTag block, CancellationToken cancellationToken = default) =>
        UInt64(await RequestAsync("eth_getTransactionCount", [address.ToLowerHexString(), block.ToString()], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_call at a block; a revert throws <see cref="JsonRpcException"/> carrying the revert data.</summary>
    public async Task<byte[]> CallAsync(CallRequest request, BlockTag block, CancellationToken cancellationToken = default) =>
        Data(await RequestAsync("eth_call", [ToJson(request), block.ToString()], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_estimateGas; a revert throws <see cref="JsonRpcException"/> carrying the revert data.</summary>
    public async Task<ulong> EstimateGasAsync(CallRequest request, CancellationToken cancellationToken = default) =>
        UInt64(await RequestAsync("eth_estimateGas", [ToJson(request)], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_maxPriorityFeePerGas: the node's suggested EIP-1559 tip.</summary>
    public async Task<BigInteger> GetMaxPriorityFeePerGasAsync(CancellationToken cancellationToken = default) =>
        Quantity(await RequestAsync("eth_maxPriorityFeePerGas", [], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_feeHistory; <see cref="FeeHistory.BaseFeePerGas"/> has one more entry (the next block's base fee).</summary>
    public async Task<FeeHistory> GetFeeHistoryAsync(int blockCount, BlockTag newestBlock, IReadOnlyList<double> rewardPercentiles, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 1);
        var percentiles = new JsonArray(rewardPercentiles.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        JsonElement result = await RequestAsync("eth_feeHistory", [HexConvert.ToQuantity(blockCount), newestBlock.ToString(), percentiles], cancellationToken).ConfigureAwait(false);
        try
        {
            var reward = new List<IReadOnlyList<BigInteger>>();
            if (result.TryGetProperty("reward", out JsonElement rewards) && rewards.ValueKind == JsonValueKind.Array)
            {
                reward.AddRange(rewards.EnumerateArray().Select(r => (IReadOnlyList<BigInteger>)r.EnumerateArray().Select(Quantity).ToArray()));
            }

            return new FeeHistory(
                UInt64(result.GetProperty("oldestBlock")),
                result.GetProperty("baseFeePerGas").EnumerateArray().Select(Quantity).ToArray(),
                result.GetProperty("gasUsedRatio").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                reward);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonRpcTransportException("eth_feeHistory returned a malformed result.", ex);
        }
    }

    /// <summary>eth_getLogs.</summary>
    public async Task<IReadOnlyList<EthLog>> GetLogsAsync(LogFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var json = new JsonObject
        {
            ["fromBlock"] = filter.FromBlock.ToString(),
            ["toBlock"] = filter.ToBlock.ToString(),
        };
        if (filter.Addresses.Count > 0)
        {
            json["address"] = new JsonArray(filter.Addresses.Select(a => (JsonNode)JsonValue.Create(a.ToLowerHexString())).ToArray());
        }

        if (filter.Topics.Count > 0)
        {
            json["topics"] = new JsonArray(filter.Topics.Select(t => t is null
                ? null
                : (JsonNode)new JsonArray(t.Select(topic => (JsonNode)JsonValue.Create(HexConvert.ToHex(topic))).ToArray())).ToArray());
        }

        JsonElement result = await RequestAsync("eth_getLogs", [json], cancellationToken).ConfigureAwait(false);
        return Parse("eth_getLogs", () => result.EnumerateArray().Select(ParseLog).ToArray());
    }

    /// <summary>eth_sendRawTransaction; returns the transaction hash.</summary>
    public async Task<byte[]> SendRawTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken = default) =>
        Data(await RequestAsync("eth_sendRawTransaction", [HexConvert.ToHex(rawTransaction.Span)], cancellationToken).ConfigureAwait(false));

    /// <summary>eth_getTransactionReceipt; null while the transaction is not mined.</summary>
    public async Task<TransactionReceipt?> GetTransactionReceiptAsync(ReadOnlyMemory<byte> transactionHash, CancellationToken cancellationToken = default)
    {
        JsonElement result = await RequestAsync("eth_getTransactionReceipt", [HexConvert.ToHex(transactionHash.Span)], cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Null ? null : Parse("eth_getTransactionReceipt", () => ParseReceipt(result));
    }

    /// <summary>
    /// Polls for a receipt until the transaction is mined, <see cref="EthJsonRpcClientOptions.ReceiptTimeout"/> passes,
    /// or <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <exception cref="TimeoutException">No receipt within <see cref="EthJsonRpcClientOptions.ReceiptTimeout"/>.</exception>
    public async Task<TransactionReceipt> WaitForReceiptAsync(ReadOnlyMemory<byte> transactionHash, CancellationToken cancellationToken = default)
    {
        TimeSpan timeout = _options.ReceiptTimeout;
        long started = Stopwatch.GetTimestamp();
        while (true)
        {
            TransactionReceipt? receipt = await GetTransactionReceiptAsync(transactionHash, cancellationToken).ConfigureAwait(false);
            if (receipt is not null)
            {
                return receipt;
            }

            if (timeout != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException(
                    $"Transaction {HexConvert.ToHex(transactionHash.Span)} has no receipt after {timeout}; it may have been dropped or be underpriced.");
            }

            await Task.Delay(_options.ReceiptPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends any JSON-RPC request and returns the raw <c>result</c> (a clone, independent of the response buffer).</summary>
    public async Task<JsonElement> RequestAsync(string method, JsonNode?[] parameters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        long id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = method,
            ["params"] = new JsonArray(parameters.Select(p => p?.DeepClone()).ToArray()),
        };

        byte[] body;
        try
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.ToJsonString()));
            content.Headers.ContentType = s_json;
            using HttpResponseMessage response = await _httpClient.PostAsync(_options.Endpoint, content, cancellationToken).ConfigureAwait(false);
            body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && body.Length == 0)
            {
                throw new JsonRpcTransportException($"{method}: HTTP {(int)response.StatusCode} from the JSON-RPC endpoint.");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new JsonRpcTransportException($"{method}: the JSON-RPC endpoint is unreachable.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JsonRpcTransportException($"{method}: the JSON-RPC endpoint did not answer in time.", ex);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new JsonRpcTransportException($"{method}: the response is not JSON.", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out JsonElement idElement)
                || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt64(out long responseId)
                || responseId != id)
            {
                throw new JsonRpcTransportException($"{method}: the response is not a JSON-RPC response to this request.");
            }

            if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
            {
                throw ToException(method, error);
            }

            if (!root.TryGetProperty("result", out JsonElement result))
            {
                throw new JsonRpcTransportException($"{method}: the response has neither result nor error.");
            }

            return result.Clone();
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            throw new JsonRpcTransportException("The JSON-RPC response is larger than MaxResponseBytes.");
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                throw new JsonRpcTransportException("The JSON-RPC response is larger than MaxResponseBytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static JsonRpcException ToException(string method, JsonElement error)
    {
        long code = error.TryGetProperty("code", out JsonElement c) && c.TryGetInt64(out long value) ? value : 0;
        string message = error.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "(no message)";
        byte[]? revertData = null;
        if (error.TryGetProperty("data", out JsonElement data))
        {
            // geth/anvil: "data": "0x…"; some nodes nest it: "data": { "data": "0x…" }.
            JsonElement candidate = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("data", out JsonElement inner) ? inner : data;
            if (candidate.ValueKind == JsonValueKind.String)
            {
                try
                {
                    revertData = HexConvert.ParseData(candidate.GetString());
                }
                catch (FormatException)
                {
                    revertData = null;
                }
            }
        }

        if (revertData is null && code == 3)
        {
            revertData = [];
        }

        return new JsonRpcException(method, code, message.Length > 1024 ? message[..1024] : message, revertData);
    }

    private static JsonObject ToJson(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var json = new JsonObject();
        if (request.From is { } from)
        {
            json["from"] = from.ToLowerHexString();
        }

        if (request.To is { } to)
        {
            json["to"] = to.ToLowerHexString();
        }

        json["input"] = HexConvert.ToHex(request.Data);
        if (!request.Value.IsZero)
        {
            json["value"] = HexConvert.ToQuantity(request.Value);
        }

        if (request.Gas is { } gas)
        {
            json["gas"] = HexConvert.ToQuantity(gas);
        }

        return json;
    }

    private static EthLog ParseLog(JsonElement log) => new(
        Address(log.GetProperty("address")),
        log.GetProperty("topics").EnumerateArray().Select(t => Fixed32(t)).ToArray(),
        HexConvert.ParseData(log.GetProperty("data").GetString()),
        UInt64(log.GetProperty("blockNumber")),
        Fixed32(log.GetProperty("blockHash")),
        Fixed32(log.GetProperty("transactionHash")),
        UInt64(log.GetProperty("transactionIndex")),
        UInt64(log.GetProperty("logIndex")),
        log.TryGetProperty("removed", out JsonElement removed) && removed.ValueKind == JsonValueKind.True);

    private static TransactionReceipt ParseReceipt(JsonElement receipt) => new(
        Fixed32(receipt.GetProperty("transactionHash")),
        UInt64(receipt.GetProperty("blockNumber")),
        Fixed32(receipt.GetProperty("blockHash")),
        UInt64(receipt.GetProperty("status")) switch
        {
            1 => true,
            0 => false,
            _ => throw new FormatException("A receipt status is 0 or 1."),
        },
        Address(receipt.GetProperty("from")),
        OptionalAddress(receipt, "to"),
        OptionalAddress(receipt, "contractAddress"),
        UInt64(receipt.GetProperty("gasUsed")),
        receipt.TryGetProperty("effectiveGasPrice", out JsonElement price) ? Quantity(price) : BigInteger.Zero,
        receipt.GetProperty("logs").EnumerateArray().Select(ParseLog).ToArray());

    private static EthereumAddress? OptionalAddress(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? Address(value) : null;

    // A node may send null or a non-string where an address belongs: that must surface as a malformed result
    // (FormatException, mapped by Parse), not as the ArgumentNullException of EthereumAddress.Parse.
    private static EthereumAddress Address(JsonElement element) =>
        EthereumAddress.TryParse(element.GetString(), out EthereumAddress address)
            ? address
            : throw new FormatException("Expected a 0x-prefixed 20-byte address.");

    private static byte[] Fixed32(JsonElement element)
    {
        byte[] bytes = HexConvert.ParseData(element.GetString());
        return bytes.Length == 32 ? bytes : throw new FormatException("Expected a 32-byte hash.");
    }

    private static T Parse<T>(string method, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonRpcTransportException($"{method} returned a malformed result.", ex);
        }
    }

    private static BigInteger Quantity(JsonElement element) => Parse("quantity", () => HexConvert.ParseQuantity(element.GetString()));

    private static ulong UInt64(JsonElement element) => Parse("quantity", () => HexConvert.ParseUInt64(element.GetString()));

    private static byte[] Data(JsonElement element) => Parse("data", () => HexConvert.ParseData(element.GetString()));
}
