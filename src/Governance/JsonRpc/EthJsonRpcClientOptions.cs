namespace Kms.Governance.JsonRpc;

/// <summary>Options of <see cref="EthJsonRpcClient"/>.</summary>
public sealed class EthJsonRpcClientOptions
{
    /// <summary>The node's HTTP JSON-RPC endpoint. Default: http://127.0.0.1:8545 (the Go system's default --rpc-addr).</summary>
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:8545");

    /// <summary>Largest response body accepted, in bytes. Default: 32 MiB (large eth_getLogs ranges).</summary>
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Delay between eth_getTransactionReceipt polls while waiting for a receipt. Default: 250 ms.</summary>
    public TimeSpan ReceiptPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long <see cref="EthJsonRpcClient.WaitForReceiptAsync"/> polls before it gives up with a
    /// <see cref="TimeoutException"/> (a dropped or underpriced transaction is never mined, so an unbounded wait would
    /// hang its caller). <see cref="Timeout.InfiniteTimeSpan"/> waits until cancelled. Default: 5 minutes.
    /// </summary>
    public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
