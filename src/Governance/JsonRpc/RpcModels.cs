using System.Numerics;
using Kms.Crypto.Ethereum;

namespace Kms.Governance.JsonRpc;

/// <summary>Arguments of eth_call / eth_estimateGas.</summary>
public sealed record CallRequest
{
    /// <summary>Sender (msg.sender); omitted when null.</summary>
    public EthereumAddress? From { get; init; }

    /// <summary>Target contract; null for contract creation (estimateGas of a deployment).</summary>
    public EthereumAddress? To { get; init; }

    /// <summary>Call data.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary>Value in wei; omitted when zero.</summary>
    public BigInteger Value { get; init; }

    /// <summary>Gas limit; omitted when null.</summary>
    public ulong? Gas { get; init; }
}

/// <summary>An eth_getLogs filter. Each topic position is null (any) or a set of alternatives.</summary>
public sealed record LogFilter
{
    /// <summary>Contract addresses (empty = any).</summary>
    public IReadOnlyList<EthereumAddress> Addresses { get; init; } = [];

    /// <summary>Topic filters by position; null entries match anything.</summary>
    public IReadOnlyList<IReadOnlyList<byte[]>?> Topics { get; init; } = [];

    /// <summary>First block (inclusive).</summary>
    public BlockTag FromBlock { get; init; } = BlockTag.Earliest;

    /// <summary>Last block (inclusive).</summary>
    public BlockTag ToBlock { get; init; } = BlockTag.Latest;
}

/// <summary>A log entry emitted by a contract.</summary>
public sealed record EthLog(
    EthereumAddress Address,
    IReadOnlyList<byte[]> Topics,
    byte[] Data,
    ulong BlockNumber,
    byte[] BlockHash,
    byte[] TransactionHash,
    ulong TransactionIndex,
    ulong LogIndex,
    bool Removed);

/// <summary>A transaction receipt.</summary>
public sealed record TransactionReceipt(
    byte[] TransactionHash,
    ulong BlockNumber,
    byte[] BlockHash,
    bool Succeeded,
    EthereumAddress From,
    EthereumAddress? To,
    EthereumAddress? ContractAddress,
    ulong GasUsed,
    BigInteger EffectiveGasPrice,
    IReadOnlyList<EthLog> Logs);

/// <summary>eth_feeHistory result.</summary>
public sealed record FeeHistory(ulong OldestBlock, IReadOnlyList<BigInteger> BaseFeePerGas, IReadOnlyList<double> GasUsedRatio, IReadOnlyList<IReadOnlyList<BigInteger>> Reward);
