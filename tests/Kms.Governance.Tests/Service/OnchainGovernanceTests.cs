using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Kms.Governance.Service;

namespace Kms.Governance.Tests.Service;

public sealed class OnchainGovernanceTests
{
    private static readonly EthereumAddress s_registry = EthereumAddress.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    private static readonly EthereumAddress s_kms = EthereumAddress.Parse("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
    private static readonly EthereumAddress s_operator = EthereumAddress.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    private static readonly WorkloadIdentity s_id1 = WorkloadIdentity.ParseHex(new string('1', 64));
    private static readonly WorkloadIdentity s_id2 = WorkloadIdentity.ParseHex(new string('2', 64));

    private readonly FakeGovernanceChain _chain = new();
    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly OnchainGovernanceOptions _options = new()
    {
        Namespaces = { ["payments"] = new OnchainNamespace(s_registry, s_kms), ["solo"] = new OnchainNamespace(s_registry) },
        Confirmations = 2,
        PollInterval = TimeSpan.FromSeconds(1),
        StalenessBound = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task AllowedIdentity_BecomesVisibleOnlyAfterConfirmations()
    {
        _chain.Mine(5);
        OnchainGovernance governance = Create();
        Assert.False((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);

        byte[] config = Enumerable.Repeat((byte)0xC0, 32).ToArray();
        _chain.SetAllowed(s_registry, s_id1, true, config);
        _chain.Mine(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        GovernanceDecision early = await governance.CheckIdentityAsync("payments", s_id1);
        Assert.False(early.IsAllowed);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, early.Reason);

        _chain.Mine(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        GovernanceDecision confirmed = await governance.CheckIdentityAsync("payments", s_id1);
        Assert.True(confirmed.IsAllowed, confirmed.Detail);
        Assert.Equal(config, confirmed.ConfigHash);
        Assert.Equal(_chain.Latest - 2, confirmed.SourceVersion);
        Assert.True((await governance.CheckKeyAccessAsync("payments", s_id1, "any-key")).IsAllowed);
    }

    [Fact]
    public async Task Answers_AreCachedUntilAnEventTouchesThem()
    {
        _chain.SetAllowed(s_registry, s_id1, true);
        _chain.Mine(5);
        OnchainGovernance governance = Create();
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        int reads = _chain.StateReads;

        for (int i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _chain.Mine(1);
            Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        }

        Assert.Equal(reads, _chain.StateReads);

        // A change of another identity does not drop this answer.
        _chain.SetAllowed(s_registry, s_id2, true);
        _chain.Mine(3);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        Assert.Equal(reads, _chain.StateReads);
    }

    [Fact]
    public async Task RemovalEvent_InvalidatesCachedAllow()
    {
        _chain.SetAllowed(s_registry, s_id1, true);
        _chain.Mine(5);
        OnchainGovernance governance = Create();
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);

        _chain.SetAllowed(s_registry, s_id1, false);
        _chain.Mine(2);
        _time.Advance(TimeSpan.FromSeconds(1));

        GovernanceDecision revoked = await governance.CheckIdentityAsync("payments", s_id1);
        Assert.False(revoked.IsAllowed);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, revoked.Reason);
        Assert.False((await governance.CheckKeyAccessAsync("payments", s_id1, "k")).IsAllowed);
    }

    [Fact]
    public async Task DecisionDuringMultiRangeSync_DoesNotKeepAnAnswerTheSyncInvalidated()
    {
        _options.MaxLogBlockRange = 1;
        _chain.SetAllowed(s_registry, s_id1, true);
        _chain.Mine(5);
        OnchainGovernance governance = Create();
        await governance.SyncAsync();

        // Revoked in the first block the next sync reads; more blocks follow, so that sync fetches several log ranges.
        _chain.SetAllowed(s_registry, s_id1, false);
        ulong revokedAt = _chain.Latest;
        _chain.Mine(4);
        var nextRange = new TaskCompletionSource();
        _chain.BeforeGetChanges = from => from == revokedAt + 1 ? nextRange.Task : Task.CompletedTask;
        Task sync = governance.SyncAsync();
        Assert.False(sync.IsCompleted);

        // A decision while the sync waits for the range after the revocation (no poll due) reads at the old
        // synchronized block, where the identity was still allowed.
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        nextRange.SetResult();
        await sync;

        GovernanceDecision after = await governance.CheckIdentityAsync("payments", s_id1);
        Assert.False(after.IsAllowed, after.Detail);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, after.Reason);
    }

    [Fact]
    public async Task DecisionsQueuedBehindASlowPoll_DoNotPollAgain()
    {
        _chain.SetAllowed(s_registry, s_id1, true);
        _chain.Mine(5);
        OnchainGovernance governance = Create();
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);

        // A poll that takes longer than the poll interval (a slow or timing-out node)...
        _chain.Mine(3);
        _time.Advance(TimeSpan.FromSeconds(1));
        var logs = new TaskCompletionSource();
        _chain.BeforeGetChanges = _ => logs.Task;
        int polls = _chain.BlockNumberCalls;
        Task<GovernanceDecision> first = governance.CheckIdentityAsync("payments", s_id1).AsTask();
        _time.Advance(TimeSpan.FromSeconds(2));

        // ...must not make each decision that arrives meanwhile poll again once it gets the sync lock.
        Task<GovernanceDecision>[] queued = Enumerable.Range(0, 20).Select(_ => governance.CheckIdentityAsync("payments", s_id1).AsTask()).ToArray();
        logs.SetResult();

        Assert.True((await first).IsAllowed);
        Assert.All(await Task.WhenAll(queued), d => Assert.True(d.IsAllowed));
        Assert.Equal(polls + 1, _chain.BlockNumberCalls);
    }

    [Fact]
    public async Task ChainDown_ServesCacheUntilStalenessBound_ThenFailsClosed()
    {
        _chain.SetAllowed(s_registry, s_id1, true);
        _chain.Mine(5);
        OnchainGovernance governance = Create();
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);

        _chain.Down = true;
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);

        // Not cached and the chain is down: no answer.
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckIdentityAsync("payments", s_id2).AsTask());

        _time.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckIdentityAsync("payments", s_id1).AsTask());
        Assert.Contains("stale", ex.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckReplicationAsync("payments", s_id1).AsTask());

        _chain.Down = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
    }

    [Fact]
    public async Task NeverReachedChain_FailsClosed()
    {
        _chain.Down = true;
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => Create().CheckIdentityAsync("payments", s_id1).AsTask());
    }

    [Fact]
    public async Task PollInterval_LimitsBlockNumberPolls()
    {
        OnchainGovernance governance = Create();
        for (int i = 0; i < 10; i++)
        {
            await governance.CheckIdentityAsync("payments", s_id1);
        }

        Assert.Equal(1, _chain.BlockNumberCalls);
        _time.Advance(TimeSpan.FromSeconds(1));
        await governance.CheckIdentityAsync("payments", s_id1);
        Assert.Equal(2, _chain.BlockNumberCalls);
    }

    [Fact]
    public async Task LogPolling_CoversEveryBlockOnceInBoundedRanges()
    {
        _options.MaxLogBlockRange = 3;
        _chain.Mine(3);
        OnchainGovernance governance = Create();
        await governance.SyncAsync();
        ulong start = governance.SyncedBlock!.Value;

        _chain.Mine(10);
        await governance.SyncAsync();
        _chain.Mine(4);
        await governance.SyncAsync();

        Assert.All(_chain.LogRanges, r => Assert.True(r.To - r.From < 3));
        ulong expected = start + 1;
        foreach ((ulong from, ulong to) in _chain.LogRanges)
        {
            Assert.Equal(expected, from);
            expected = to + 1;
        }

        Assert.Equal(_chain.Latest - 2, expected - 1);
    }

    [Fact]
    public async Task ChainRewound_DropsCache()
    {
        _chain.SetAllowed(s_registry, s_id1, true);
        _chain.Mine(10);
        OnchainGovernance governance = Create();
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        int reads = _chain.StateReads;

        _chain.Latest -= 5;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        Assert.True(_chain.StateReads > reads);
    }

    [Fact]
    public async Task Replication_UsesKmsAllowlist()
    {
        _chain.SetAllowed(s_kms, s_id1, true);
        _chain.SetAllowed(s_registry, s_id2, true);
        _chain.Mine(3);
        OnchainGovernance governance = Create();

        Assert.True((await governance.CheckReplicationAsync("payments", s_id1)).IsAllowed);
        Assert.Equal(GovernanceDenialReason.ReplicationNotGranted, (await governance.CheckReplicationAsync("payments", s_id2)).Reason);
        Assert.Equal(GovernanceDenialReason.ReplicationNotGranted, (await governance.CheckReplicationAsync("solo", s_id1)).Reason);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await governance.CheckIdentityAsync("payments", s_id1)).Reason);
    }

    [Fact]
    public async Task Operators_FollowRoleEvents()
    {
        _chain.SetOperator(s_registry, s_operator, true);
        _chain.Mine(3);
        OnchainGovernance governance = Create();
        Assert.True((await governance.CheckOperatorAsync("payments", s_operator.ToChecksumString())).IsAllowed);
        Assert.Equal(GovernanceDenialReason.NotOperator, (await governance.CheckOperatorAsync("payments", "not-an-address")).Reason);

        _chain.SetOperator(s_registry, s_operator, false);
        _chain.Mine(2);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(GovernanceDenialReason.NotOperator, (await governance.CheckOperatorAsync("payments", s_operator.ToLowerHexString())).Reason);
    }

    [Fact]
    public async Task UnknownNamespace_IsDenied()
    {
        OnchainGovernance governance = Create();
        Assert.Equal(GovernanceDenialReason.UnknownNamespace, (await governance.CheckIdentityAsync("nope", s_id1)).Reason);
        Assert.Equal(GovernanceDenialReason.UnknownNamespace, (await governance.CheckReplicationAsync("nope", s_id1)).Reason);
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnchainGovernance(_chain, new OnchainGovernanceOptions { Confirmations = -1 }, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnchainGovernance(_chain, new OnchainGovernanceOptions { StalenessBound = TimeSpan.Zero }, _time));
    }

    private OnchainGovernance Create() => new(_chain, _options, _time);
}
