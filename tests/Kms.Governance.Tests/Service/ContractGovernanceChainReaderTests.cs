using System.Net;
using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Service;

namespace Kms.Governance.Tests.Service;

public sealed class ContractGovernanceChainReaderTests
{
    private const string Contract = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    [Fact]
    public async Task UnclassifiableLogs_InvalidateTheWholeContract()
    {
        string identity = new('1', 64);
        string identityRemoved = Convert.ToHexStringLower(GovernanceAbi.IdentityRemovedEvent.Topic);
        string[] logs =
        [
            // ERC-1967 Upgraded(address): outside the governance ABI, yet it may change every answer.
            Log(block: 10, "0x" + Convert.ToHexStringLower(Keccak256.HashData("Upgraded(address)"u8)), "0x" + new string('0', 24) + new string('a', 40)),

            // IdentityRemoved removed again by a reorg.
            Log(block: 11, "0x" + identityRemoved, "0x" + identity, "0x" + new string('0', 64), removed: true),
        ];
        var reader = new ContractGovernanceChainReader(Client("[" + string.Join(',', logs) + "]"), EthereumAddress.Zero);

        IReadOnlyList<GovernanceChange> changes = await reader.GetChangesAsync([EthereumAddress.Parse(Contract)], 1, 20, CancellationToken.None);

        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(GovernanceChangeScope.Everything, c.Scope));
        Assert.All(changes, c => Assert.Equal(EthereumAddress.Parse(Contract), c.Contract));
    }

    private static string Log(ulong block, params string[] topics) => Log(block, topics, removed: false);

    private static string Log(ulong block, string topic0, string topic1, string topic2, bool removed) => Log(block, [topic0, topic1, topic2], removed);

    private static string Log(ulong block, string[] topics, bool removed) =>
        $$"""{"address":"{{Contract}}","topics":[{{string.Join(',', topics.Select(t => $"\"{t}\""))}}],"data":"0x","blockNumber":"0x{{block:x}}","blockHash":"0x{{new string('b', 64)}}","transactionHash":"0x{{new string('c', 64)}}","transactionIndex":"0x0","logIndex":"0x0","removed":{{(removed ? "true" : "false")}}}""";

    private static EthJsonRpcClient Client(string logsJson) =>
        new(new HttpClient(new CannedHandler("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + logsJson + "}")), new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });

    private sealed class CannedHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
