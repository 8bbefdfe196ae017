using System.Text;
using Kms.Governance.Policy;
using Kms.Governance.Service;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Service;

public sealed class PolicyDocumentGovernanceTests
{
    private static readonly WorkloadIdentity s_id1 = WorkloadIdentity.ParseHex(Identity1);
    private static readonly WorkloadIdentity s_id2 = WorkloadIdentity.ParseHex(Identity2);
    private static readonly WorkloadIdentity s_id3 = WorkloadIdentity.ParseHex(new string('3', 64));

    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly InMemoryPolicyStore _store = new();
    private readonly PolicyDocumentGovernance _governance;

    public PolicyDocumentGovernanceTests()
    {
        _governance = Create(_store);
    }

    [Fact]
    public async Task NoPolicy_DeniesEverything()
    {
        GovernanceDecision decision = await _governance.CheckIdentityAsync("payments", s_id1);
        Assert.False(decision.IsAllowed);
        Assert.Equal(GovernanceDenialReason.UnknownNamespace, decision.Reason);
        Assert.Equal(GovernanceDenialReason.UnknownNamespace, (await _governance.CheckReplicationAsync("payments", s_id1)).Reason);
    }

    [Fact]
    public async Task AppliedPolicy_AnswersAllQuestions()
    {
        Assert.True((await _governance.ApplyAsync("payments", SignedEd(1, 0, 1))).IsAccepted);

        GovernanceDecision identity = await _governance.CheckIdentityAsync("payments", s_id1);
        Assert.True(identity.IsAllowed);
        Assert.Equal(ConfigHash1, Convert.ToHexStringLower(identity.ConfigHash!));
        Assert.Equal(1UL, identity.SourceVersion);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await _governance.CheckIdentityAsync("payments", s_id3)).Reason);

        Assert.True((await _governance.CheckKeyAccessAsync("payments", s_id1, "app-key")).IsAllowed);
        Assert.True((await _governance.CheckKeyAccessAsync("payments", s_id2, "disk")).IsAllowed);
        Assert.Equal(GovernanceDenialReason.KeyNotGranted, (await _governance.CheckKeyAccessAsync("payments", s_id2, "app-key")).Reason);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await _governance.CheckKeyAccessAsync("payments", s_id3, "disk")).Reason);

        Assert.True((await _governance.CheckReplicationAsync("payments", s_id1)).IsAllowed);
        Assert.Equal(GovernanceDenialReason.ReplicationNotGranted, (await _governance.CheckReplicationAsync("payments", s_id2)).Reason);

        Assert.True((await _governance.CheckOperatorAsync("payments", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).IsAllowed);
        Assert.True((await _governance.CheckOperatorAsync("payments", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")).IsAllowed);
        Assert.Equal(GovernanceDenialReason.NotOperator, (await _governance.CheckOperatorAsync("payments", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8")).Reason);

        Assert.Equal(GovernanceDenialReason.UnknownNamespace, (await _governance.CheckIdentityAsync("billing", s_id1)).Reason);
    }

    [Fact]
    public async Task IdentityExpiry_FollowsInjectedClock()
    {
        await _governance.ApplyAsync("payments", SignedEd(1, 0, 1));

        _time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1_799_999_999));
        Assert.True((await _governance.CheckIdentityAsync("payments", s_id2)).IsAllowed);
        Assert.True((await _governance.CheckKeyAccessAsync("payments", s_id2, "disk")).IsAllowed);

        _time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        GovernanceDecision expired = await _governance.CheckIdentityAsync("payments", s_id2);
        Assert.False(expired.IsAllowed);
        Assert.Equal(GovernanceDenialReason.IdentityExpired, expired.Reason);
        Assert.Equal(GovernanceDenialReason.IdentityExpired, (await _governance.CheckKeyAccessAsync("payments", s_id2, "disk")).Reason);

        // Identities without notAfter never expire.
        Assert.True((await _governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
    }

    [Fact]
    public async Task Updates_OnlyWithIncreasingSerial_AndRevocationTakesEffect()
    {
        Assert.True((await _governance.ApplyAsync("payments", SignedEd(2, 0, 1))).IsAccepted);

        PolicyVerificationResult replay = await _governance.ApplyAsync("payments", SignedEd(2, 0, 1));
        Assert.Equal(PolicyRejectionReason.SerialNotIncreasing, replay.Reason);
        Assert.Equal(PolicyRejectionReason.SerialNotIncreasing, (await _governance.ApplyAsync("payments", SignedEd(1, 0, 1))).Reason);
        Assert.Equal(PolicyRejectionReason.BelowThreshold, (await _governance.ApplyAsync("payments", SignedEd(3, 0))).Reason);
        Assert.Equal(PolicyRejectionReason.NamespaceMismatch, (await _governance.ApplyAsync("billing", SignedEd(3, 0, 1))).Reason);

        byte[] revoke = SignEnvelope(Body(3).Replace($"{{ \"identity\": \"{Identity2}\", \"notAfter\": 1800000000 }}", $"{{ \"identity\": \"{new string('3', 64)}\" }}", StringComparison.Ordinal));
        PolicyVerificationResult applied = await _governance.ApplyAsync("payments", revoke);
        Assert.True(applied.IsAccepted, applied.Message);
        Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await _governance.CheckIdentityAsync("payments", s_id2)).Reason);
        Assert.True((await _governance.CheckIdentityAsync("payments", s_id3)).IsAllowed);
        Assert.Equal(3, (await _store.LoadAsync("payments", CancellationToken.None))!.Serial);
    }

    [Fact]
    public async Task OtherInstance_SeesUpdateAfterRefreshInterval()
    {
        PolicyDocumentGovernance other = Create(_store);
        await _governance.ApplyAsync("payments", SignedEd(1, 0, 1));
        Assert.Equal(1UL, (await other.CheckIdentityAsync("payments", s_id1)).SourceVersion);

        await _governance.ApplyAsync("payments", SignedEd(2, 0, 2));
        Assert.Equal(1UL, (await other.CheckIdentityAsync("payments", s_id1)).SourceVersion);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2UL, (await other.CheckIdentityAsync("payments", s_id1)).SourceVersion);
    }

    [Fact]
    public async Task TamperedStore_FailsClosed()
    {
        await _governance.ApplyAsync("payments", SignedEd(1, 0, 1));
        string forged = Encoding.UTF8.GetString(SignedEd(2, 0, 1)).Replace(Identity2, new string('3', 64), StringComparison.Ordinal);
        _store.Overwrite("payments", new StoredPolicy(2, Encoding.UTF8.GetBytes(forged)));

        PolicyDocumentGovernance fresh = Create(_store);
        var ex = await Assert.ThrowsAsync<GovernanceUnavailableException>(() => fresh.CheckIdentityAsync("payments", s_id1).AsTask());
        Assert.Contains("fails verification", ex.Message, StringComparison.Ordinal);

        _store.Overwrite("payments", new StoredPolicy(7, SignedEd(2, 0, 1)));
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => Create(_store).CheckIdentityAsync("payments", s_id1).AsTask());
    }

    [Fact]
    public async Task StoreRolledBackToAnOlderSignedPolicy_FailsClosed()
    {
        byte[] older = SignedEd(1, 0, 1);
        Assert.True((await _governance.ApplyAsync("payments", older)).IsAccepted);
        byte[] revoke = SignEnvelope(Body(2).Replace($"{{ \"identity\": \"{Identity2}\", \"notAfter\": 1800000000 }}", $"{{ \"identity\": \"{new string('3', 64)}\" }}", StringComparison.Ordinal));
        Assert.True((await _governance.ApplyAsync("payments", revoke)).IsAccepted);
        Assert.False((await _governance.CheckIdentityAsync("payments", s_id2)).IsAllowed);

        // Someone with write access to the store puts the older, validly signed policy back: it must not take effect.
        _store.Overwrite("payments", new StoredPolicy(1, older));
        _time.Advance(TimeSpan.FromMinutes(1));
        GovernanceUnavailableException ex = await Assert.ThrowsAsync<GovernanceUnavailableException>(() => _governance.CheckIdentityAsync("payments", s_id2).AsTask());
        Assert.Contains("older than serial 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreDown_FailsClosed()
    {
        PolicyDocumentGovernance governance = Create(new FailingStore());
        var ex = await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckKeyAccessAsync("payments", s_id1, "app-key").AsTask());
        Assert.IsType<IOException>(ex.InnerException);
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.ApplyAsync("payments", SignedEd(1, 0, 1)));
    }

    [Fact]
    public async Task LostRace_IsReportedAsNotIncreasing()
    {
        PolicyDocumentGovernance governance = Create(new RacingStore());
        PolicyVerificationResult result = await governance.ApplyAsync("payments", SignedEd(1, 0, 1));
        Assert.False(result.IsAccepted);
        Assert.Equal(PolicyRejectionReason.SerialNotIncreasing, result.Reason);
        Assert.Null(result.Policy);
    }

    private PolicyDocumentGovernance Create(IPolicyStore store) =>
        new(new PolicyVerifier(EdSet(2, 0, 1, 2)), store, _time);

    private static byte[] SignEnvelope(string body)
    {
        byte[] canonical = SignedPolicyBuilder.CanonicalizeBody(Encoding.UTF8.GetBytes(body));
        using var a = Ed(0);
        using var b = Ed(1);
        return SignedPolicyBuilder.Assemble(canonical, [SignedPolicyBuilder.SignEd25519(canonical, a), SignedPolicyBuilder.SignEd25519(canonical, b)]);
    }

    private sealed class FailingStore : IPolicyStore
    {
        public Task<StoredPolicy?> LoadAsync(string @namespace, CancellationToken cancellationToken) => throw new IOException("disk gone");

        public Task<bool> TryReplaceAsync(string @namespace, long? expectedSerial, StoredPolicy policy, CancellationToken cancellationToken) => throw new IOException("disk gone");
    }

    private sealed class RacingStore : IPolicyStore
    {
        public Task<StoredPolicy?> LoadAsync(string @namespace, CancellationToken cancellationToken) => Task.FromResult<StoredPolicy?>(null);

        public Task<bool> TryReplaceAsync(string @namespace, long? expectedSerial, StoredPolicy policy, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
