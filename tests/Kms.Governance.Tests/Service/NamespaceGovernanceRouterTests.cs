using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Kms.Governance.Service;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Service;

public sealed class NamespaceGovernanceRouterTests
{
    private static readonly WorkloadIdentity s_id1 = WorkloadIdentity.ParseHex(Identity1);

    [Fact]
    public async Task EachNamespaceIsAnsweredByItsOwnSource()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var policy = new PolicyDocumentGovernance(new PolicyVerifier(EdSet(2, 0, 1, 2)), new InMemoryPolicyStore(), time);
        await policy.ApplyAsync("payments", SignedEd(1, 0, 1));

        var chain = new FakeGovernanceChain { Down = true };
        var registry = EthereumAddress.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3");
        var onchain = new OnchainGovernance(chain, new OnchainGovernanceOptions { Namespaces = { ["chain-ns"] = new OnchainNamespace(registry) } }, time);

        var router = new NamespaceGovernanceRouter(new Dictionary<string, INamespaceGovernance> { ["chain-ns"] = onchain }, fallback: policy);
        Assert.True((await router.CheckIdentityAsync("payments", s_id1)).IsAllowed);
        Assert.True((await router.CheckKeyAccessAsync("payments", s_id1, "app-key")).IsAllowed);
        Assert.True((await router.CheckReplicationAsync("payments", s_id1)).IsAllowed);

        // The onchain namespace never falls back to the policy documents, even when the chain is down.
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => router.CheckIdentityAsync("chain-ns", s_id1).AsTask());

        var strict = new NamespaceGovernanceRouter(new Dictionary<string, INamespaceGovernance> { ["chain-ns"] = onchain });
        Assert.Equal(GovernanceDenialReason.UnknownNamespace, (await strict.CheckIdentityAsync("payments", s_id1)).Reason);
        Assert.Equal(GovernanceDenialReason.UnknownNamespace, (await strict.CheckOperatorAsync("payments", "x")).Reason);
    }
}
