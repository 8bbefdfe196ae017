using Kms.Crypto.Ethereum;
using Kms.Governance.Policy;
using Kms.Governance.Service;
using Kms.Governance.Tests.Contracts;

namespace Kms.Governance.Tests.Service;

/// <summary>
/// <see cref="OnchainGovernance"/> against a real anvil node with the governance contracts deployed: changes are sent as
/// transactions, become visible after the confirmation depth, removals invalidate the cache, and a dead node leads to
/// <see cref="GovernanceUnavailableException"/> once the staleness bound has passed. Each test owns its anvil (one is killed).
/// </summary>
public sealed class OnchainGovernanceAnvilTests
{
    private static readonly WorkloadIdentity s_id1 = WorkloadIdentity.ParseHex("a1" + new string('0', 62));
    private static readonly WorkloadIdentity s_id2 = WorkloadIdentity.ParseHex("b2" + new string('0', 62));
    private static readonly byte[] s_config = Enumerable.Repeat((byte)0x5c, 32).ToArray();

    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [RequiresAnvilFact]
    public async Task AllowRemoveAndChainLoss_EndToEnd()
    {
        var chain = new AnvilFixture();
        bool killed = false;
        await chain.InitializeAsync();
        try
        {
            EthereumAddress owner = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey0); // the deployer holds ROLE_OPERATOR
            var options = new OnchainGovernanceOptions
            {
                Namespaces = { ["payments"] = new OnchainNamespace(chain.RegistryAddress, chain.KmsAddress) },
                Confirmations = 2,
                PollInterval = TimeSpan.Zero,
                StalenessBound = TimeSpan.FromSeconds(30),
            };
            var governance = new OnchainGovernance(new ContractGovernanceChainReader(chain.Client, owner), options, _time);

            // Build enough blocks on top of the deployments that latest - confirmations sees the contracts.
            await MineAsync(chain, 2);
            Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await governance.CheckIdentityAsync("payments", s_id1)).Reason);

            // Allow by transaction: invisible until two more blocks confirm it.
            await chain.Registry().SetConfigForIdentityAsync(s_id1.Bytes.ToArray(), s_config);
            Assert.False((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
            await MineAsync(chain, 1);
            Assert.False((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
            await MineAsync(chain, 1);
            GovernanceDecision allowed = await governance.CheckIdentityAsync("payments", s_id1);
            Assert.True(allowed.IsAllowed, allowed.Detail);
            Assert.Equal(s_config, allowed.ConfigHash);

            // Replication follows the KMS governance contract's allowlist.
            Assert.Equal(GovernanceDenialReason.ReplicationNotGranted, (await governance.CheckReplicationAsync("payments", s_id2)).Reason);
            await chain.Kms().AllowlistIdentityAsync(s_id2.Bytes.ToArray());
            await MineAsync(chain, 2);
            Assert.True((await governance.CheckReplicationAsync("payments", s_id2)).IsAllowed);

            // Operators are ROLE_OPERATOR holders.
            Assert.True((await governance.CheckOperatorAsync("payments", owner.ToChecksumString())).IsAllowed);
            Assert.False((await governance.CheckOperatorAsync("payments", EthereumAddress.FromPrivateKey(AnvilFixture.DevKey2).ToLowerHexString())).IsAllowed);

            // Removal: the IdentityConfigRemoved event drops the cached allow once confirmed.
            await chain.Registry().RemoveConfigMapForIdentityAsync(s_id1.Bytes.ToArray());
            Assert.True((await governance.CheckIdentityAsync("payments", s_id1)).IsAllowed);
            await MineAsync(chain, 2);
            Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await governance.CheckIdentityAsync("payments", s_id1)).Reason);
            await chain.Kms().RemoveAllowlistedIdentityAsync(s_id2.Bytes.ToArray());
            await MineAsync(chain, 2);
            Assert.Equal(GovernanceDenialReason.ReplicationNotGranted, (await governance.CheckReplicationAsync("payments", s_id2)).Reason);

            // A KMS whose operator account lacks ROLE_OPERATOR gets reverts: unavailable with the reason, never "allowed".
            var unauthorized = new OnchainGovernance(
                new ContractGovernanceChainReader(chain.Client, EthereumAddress.FromPrivateKey(AnvilFixture.DevKey2)), options, _time);
            var reverted = await Assert.ThrowsAsync<GovernanceUnavailableException>(() => unauthorized.CheckIdentityAsync("payments", s_id1).AsTask());
            Assert.Contains("Operator not authorized", reverted.Message, StringComparison.Ordinal);

            // Chain unreachable: cached answers until the staleness bound, then fail closed.
            await chain.DisposeAsync();
            killed = true;
            _time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(GovernanceDenialReason.IdentityNotAllowed, (await governance.CheckIdentityAsync("payments", s_id1)).Reason);
            _time.Advance(TimeSpan.FromSeconds(21));
            var ex = await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckIdentityAsync("payments", s_id1).AsTask());
            Assert.Contains("stale", ex.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckKeyAccessAsync("payments", s_id1, "k").AsTask());
        }
        finally
        {
            if (!killed)
            {
                await chain.DisposeAsync();
            }
        }
    }

    private static async Task MineAsync(AnvilFixture chain, int blocks)
    {
        for (int i = 0; i < blocks; i++)
        {
            await chain.Client.RequestAsync("evm_mine", []);
        }
    }
}
