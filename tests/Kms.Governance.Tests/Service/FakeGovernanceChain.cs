using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Kms.Governance.Service;

namespace Kms.Governance.Tests.Service;

/// <summary>
/// An in-memory chain with history: every state change is recorded at a block, reads at block b see the changes at
/// or before b, and GetChangesAsync returns what changed in a range, like eth_call/eth_getLogs on a real node.
/// </summary>
internal sealed class FakeGovernanceChain : IGovernanceChainReader
{
    private readonly List<(ulong Block, EthereumAddress Contract, string Key, object? Value, GovernanceChange Change)> _history = [];

    public ulong Latest { get; set; } = 1;

    public bool Down { get; set; }

    public int BlockNumberCalls { get; private set; }

    public int StateReads { get; private set; }

    public List<(ulong From, ulong To)> LogRanges { get; } = [];

    /// <summary>
    /// Awaited with the range's first block at the start of every GetChangesAsync call (lets a test hold a sync between
    /// two log ranges).
    /// </summary>
    public Func<ulong, Task>? BeforeGetChanges { get; set; }

    public void SetAllowed(EthereumAddress contract, WorkloadIdentity identity, bool allowed, byte[]? config = null)
    {
        Latest++;
        var change = new GovernanceChange(contract, Latest, GovernanceChangeScope.Identity, identity);
        _history.Add((Latest, contract, "allowed:" + identity, allowed, change));
        _history.Add((Latest, contract, "config:" + identity, config, change));
    }

    public void SetOperator(EthereumAddress contract, EthereumAddress account, bool isOperator)
    {
        Latest++;
        _history.Add((Latest, contract, "operator:" + account.ToLowerHexString(), isOperator,
            new GovernanceChange(contract, Latest, GovernanceChangeScope.Account, Account: account)));
    }

    public void Mine(int blocks) => Latest += (ulong)blocks;

    public Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken)
    {
        BlockNumberCalls++;
        ThrowIfDown();
        return Task.FromResult(Latest);
    }

    public Task<bool> IsIdentityAllowedAsync(EthereumAddress contract, WorkloadIdentity identity, ulong block, CancellationToken cancellationToken) =>
        Task.FromResult(Read(contract, "allowed:" + identity, block) is true);

    public Task<byte[]?> GetConfigHashAsync(EthereumAddress registry, WorkloadIdentity identity, ulong block, CancellationToken cancellationToken) =>
        Task.FromResult(Read(registry, "config:" + identity, block) as byte[]);

    public Task<bool> IsOperatorAsync(EthereumAddress contract, EthereumAddress account, ulong block, CancellationToken cancellationToken) =>
        Task.FromResult(Read(contract, "operator:" + account.ToLowerHexString(), block) is true);

    public async Task<IReadOnlyList<GovernanceChange>> GetChangesAsync(IReadOnlyCollection<EthereumAddress> contracts, ulong fromBlock, ulong toBlock, CancellationToken cancellationToken)
    {
        if (BeforeGetChanges is { } hook)
        {
            await hook(fromBlock);
        }

        ThrowIfDown();
        Assert.True(fromBlock <= toBlock);
        Assert.True(toBlock <= Latest, "logs asked beyond the chain head");
        LogRanges.Add((fromBlock, toBlock));
        IReadOnlyList<GovernanceChange> changes = _history
            .Where(h => h.Block >= fromBlock && h.Block <= toBlock && contracts.Contains(h.Contract))
            .Select(h => h.Change)
            .Distinct()
            .ToArray();
        return changes;
    }

    private object? Read(EthereumAddress contract, string key, ulong block)
    {
        ThrowIfDown();
        Assert.True(block <= Latest, "read beyond the chain head");
        StateReads++;
        return _history.LastOrDefault(h => h.Contract == contract && h.Key == key && h.Block <= block).Value;
    }

    private void ThrowIfDown()
    {
        if (Down)
        {
            throw new HttpRequestException("connection refused");
        }
    }
}
