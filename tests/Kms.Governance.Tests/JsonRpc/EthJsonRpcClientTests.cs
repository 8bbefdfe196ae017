using System.Net;
using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Tests.Contracts;
using Kms.Governance.Tests.Abi;

namespace Kms.Governance.Tests.JsonRpc;

public sealed class EthJsonRpcClientTests(AnvilFixture chain) : IClassFixture<AnvilFixture>
{
    [RequiresAnvilFact]
    public async Task ChainBasics()
    {
        Assert.Equal(31337, (int)await chain.Client.GetChainIdAsync());
        Assert.True(await chain.Client.GetBlockNumberAsync() >= 2); // two deployments
        Assert.NotEmpty(await chain.Client.GetCodeAsync(chain.KmsAddress, BlockTag.Latest));
        Assert.Empty(await chain.Client.GetCodeAsync(chain.KmsAddress, BlockTag.Earliest));
        Assert.True(await chain.Client.GetBalanceAsync(chain.Owner.Address, BlockTag.Latest) > 0);
        Assert.True(await chain.Client.GetTransactionCountAsync(chain.Owner.Address, BlockTag.Latest) >= 2);
        Assert.True(await chain.Client.GetMaxPriorityFeePerGasAsync() >= 0);

        FeeHistory history = await chain.Client.GetFeeHistoryAsync(2, BlockTag.Latest, [50]);
        Assert.Equal(3, history.BaseFeePerGas.Count);
        Assert.Equal(2, history.GasUsedRatio.Count);
        Assert.Equal(2, history.Reward.Count);
    }

    [RequiresAnvilFact]
    public async Task GetLogs_FiltersByTopicAndRange()
    {
        KmsGovernanceContract kms = chain.Kms();
        ulong start = await chain.Client.GetBlockNumberAsync();
        await kms.RegisterInstanceDomainNameAsync("a.example");
        await kms.AllowlistIdentityAsync(Keccak256.HashData("x"u8));
        await kms.RegisterInstanceDomainNameAsync("b.example");
        ulong end = await chain.Client.GetBlockNumberAsync();

        IReadOnlyList<EthLog> domainLogs = await chain.Client.GetLogsAsync(new LogFilter
        {
            Addresses = [kms.Address],
            Topics = [[GovernanceAbi.InstanceDomainRegisteredEvent.Topic.ToArray()]],
            FromBlock = BlockTag.Number(start + 1),
            ToBlock = BlockTag.Number(end),
        });
        Assert.Equal(["a.example", "b.example"], domainLogs.Select(l => ((InstanceDomainRegistered)GovernanceEvent.TryDecode(l)!).Domain));

        IReadOnlyList<EthLog> firstOnly = await chain.Client.GetLogsAsync(new LogFilter { Addresses = [kms.Address], FromBlock = BlockTag.Number(start + 1), ToBlock = BlockTag.Number(start + 1) });
        Assert.Single(firstOnly);
        Assert.Empty(await chain.Client.GetLogsAsync(new LogFilter { Addresses = [chain.RegistryAddress], FromBlock = BlockTag.Number(start + 1), ToBlock = BlockTag.Number(end) }));
    }

    [RequiresAnvilFact]
    public async Task Revert_IsATypedExceptionWithRevertData()
    {
        JsonRpcException error = await Assert.ThrowsAsync<JsonRpcException>(() => chain.Client.CallAsync(
            new CallRequest { To = chain.RegistryAddress, Data = NethereumAbi.EncodeCall(GovernanceAbi.GetArtifact, new byte[32]) }, BlockTag.Latest));
        Assert.True(error.IsRevert);
        Assert.Equal("Artifact does not exist", error.DecodeRevert()!.Message);

        JsonRpcException estimate = await Assert.ThrowsAsync<JsonRpcException>(() => chain.Client.EstimateGasAsync(
            new CallRequest { From = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey1), To = chain.KmsAddress, Data = NethereumAbi.EncodeCall(GovernanceAbi.AllowlistIdentity, new byte[32]) }));
        Assert.Equal("OwnableUnauthorizedAccount", estimate.DecodeRevert(GovernanceAbi.Errors)!.Error!.Name);

        JsonRpcException unknownMethod = await Assert.ThrowsAsync<JsonRpcException>(() => chain.Client.RequestAsync("no_suchMethod", []));
        Assert.False(unknownMethod.IsRevert);
    }

    [RequiresAnvilFact]
    public async Task WaitForReceipt_HonoursCancellation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chain.Client.WaitForReceiptAsync(new byte[32], cts.Token));
        Assert.Null(await chain.Client.GetTransactionReceiptAsync(new byte[32]));
    }

    [Fact]
    public async Task UnreachableEndpoint_IsATransportError()
    {
        using var http = new HttpClient();
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:1/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetChainIdAsync());
    }

    [Fact]
    public async Task SlowEndpoint_TimesOutAsTransportError_ButCallerCancellationStaysCancellation()
    {
        using var http = new HttpClient(new SlowHandler()) { Timeout = TimeSpan.FromMilliseconds(200) };
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetBlockNumberAsync());

        using var patient = new HttpClient(new SlowHandler());
        var client2 = new EthJsonRpcClient(patient, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client2.GetBlockNumberAsync(cts.Token));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"0x1\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xzz\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":12}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10000000000000000000000000000000000000000000000000000000000000000\"}")]
    public async Task MalformedResponses_AreTransportErrors(string body)
    {
        using var http = new HttpClient(new CannedHandler(body));
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetChainIdAsync());
    }

    [Fact]
    public async Task MalformedLogsAndReceipts_AreTransportErrors()
    {
        using var http = new HttpClient(new CannedHandler("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"address\":\"0x12\",\"topics\":[],\"data\":\"0x\"}]}"));
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetLogsAsync(new LogFilter()));

        using var http2 = new HttpClient(new CannedHandler("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"status\":\"0x1\"}}"));
        var client2 = new EthJsonRpcClient(http2, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client2.GetTransactionReceiptAsync(new byte[32]));
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"address\":null,\"topics\":[],\"data\":\"0x\"}]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"address\":7,\"topics\":[],\"data\":\"0x\"}]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"address\":\"0x00000000000000000000000000000000000000000\",\"topics\":[],\"data\":\"0x\"}]}")]
    public async Task LogWithNullOrMalformedAddress_IsATransportError(string body)
    {
        using var http = new HttpClient(new CannedHandler(body));
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetLogsAsync(new LogFilter()));
    }

    [Fact]
    public async Task ReceiptWithNullSender_IsATransportError()
    {
        string hash = "\"0x" + new string('1', 64) + "\"";
        string body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"transactionHash\":" + hash + ",\"blockNumber\":\"0x1\",\"blockHash\":" + hash
            + ",\"status\":\"0x1\",\"from\":null,\"gasUsed\":\"0x1\",\"logs\":[]}}";
        using var http = new HttpClient(new CannedHandler(body));
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetTransactionReceiptAsync(new byte[32]));
    }

    [Fact]
    public async Task WaitForReceipt_GivesUpAfterReceiptTimeout()
    {
        using var http = new HttpClient(new NullResultHandler());
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/"),
            ReceiptPollInterval = TimeSpan.FromMilliseconds(20),
            ReceiptTimeout = TimeSpan.FromMilliseconds(200),
        });

        // The caller passes no deadline of its own (as SendAndWaitAsync's callers often do); the safety net cancels
        // the test, and a client without a receipt timeout fails it by hanging until then.
        using var safetyNet = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForReceiptAsync(new byte[32], safetyNet.Token));
        Assert.Contains("0x" + new string('0', 64), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedResponse_IsRefused()
    {
        using var http = new HttpClient(new CannedHandler("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x" + new string('0', 4096) + "\"}"));
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/"), MaxResponseBytes = 1024 });
        await Assert.ThrowsAsync<JsonRpcTransportException>(() => client.GetChainIdAsync());
    }

    [Fact]
    public async Task ErrorObject_WithRevertData_IsMapped()
    {
        byte[] revert = NethereumAbi.EncodeError(Kms.Governance.Abi.AbiError.ErrorString, "nope");
        string body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":3,\"message\":\"execution reverted: nope\",\"data\":\"0x" + Convert.ToHexStringLower(revert) + "\"}}";
        using var http = new HttpClient(new CannedHandler(body));
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        JsonRpcException error = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync(new CallRequest(), BlockTag.Latest));
        Assert.Equal(3, error.Code);
        Assert.Equal("nope", error.DecodeRevert()!.Message);
    }

    [Theory]
    [InlineData("0x", true)]
    [InlineData("0x0", false)]
    [InlineData("0xabc", false)]
    [InlineData("abcd", false)]
    [InlineData("0xgg", false)]
    public void HexConvert_ParseData_IsStrict(string text, bool valid)
    {
        if (valid)
        {
            Assert.Empty(HexConvert.ParseData(text));
        }
        else
        {
            Assert.Throws<FormatException>(() => HexConvert.ParseData(text));
        }
    }

    [Fact]
    public void HexConvert_Quantities()
    {
        Assert.Equal("0x0", HexConvert.ToQuantity(0));
        Assert.Equal("0x1b4", HexConvert.ToQuantity(436));
        Assert.Equal(436, (int)HexConvert.ParseQuantity("0x1b4"));
        Assert.Throws<FormatException>(() => HexConvert.ParseQuantity("0x"));
        Assert.Throws<FormatException>(() => HexConvert.ParseUInt64("0x10000000000000000"));
        Assert.Throws<FormatException>(() => HexConvert.ParseQuantity("0x-1"));
    }

    private sealed class SlowHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    /// <summary>Answers every request with a null result (e.g. "no receipt yet"), echoing the request id.</summary>
    private sealed class NullResultHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var requestJson = System.Text.Json.JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            long id = requestJson.RootElement.GetProperty("id").GetInt64();
            string body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":null}";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class CannedHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
