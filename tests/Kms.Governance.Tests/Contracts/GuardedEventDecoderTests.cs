using System.Reflection;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Kms.Governance.Tests.Abi;

namespace Kms.Governance.Tests.Contracts;

/// <summary>
/// Governance events decode through Nethereum event DTOs behind the guard: one DTO per event of the table, logs
/// round-trip into the public records, and hostile logs are rejected with <see cref="AbiDecodingException"/> only.
/// </summary>
public sealed class GuardedEventDecoderTests
{
    private static readonly EthereumAddress s_alice = EthereumAddress.FromBytes(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray());
    private static readonly EthereumAddress s_bob = EthereumAddress.FromBytes(Enumerable.Range(100, 20).Select(i => (byte)i).ToArray());

    [Fact]
    public void EveryGovernanceEvent_HasExactlyOneEventDto_WithTheSameTopic()
    {
        var abis = typeof(GovernanceContract).Assembly.GetTypes()
            .Where(t => typeof(IEventDTO).IsAssignableFrom(t) && t.GetCustomAttribute<EventAttribute>() is not null)
            .Select(ABITypedRegistry.GetEvent).ToArray();
        Assert.Equal(GovernanceAbi.Events.Select(e => e.Signature).Order(), abis.Select(a => a.Signature).Order());
        foreach (AbiEvent descriptor in GovernanceAbi.Events)
        {
            var abi = abis.Single(a => a.Signature == descriptor.Signature);
            Assert.Equal(Convert.ToHexStringLower(descriptor.Topic), abi.Sha3Signature);
            Assert.Equal(descriptor.Indexed.Count(i => i), abi.NumberOfIndexes);
        }
    }

    [Fact]
    public void CanonicalLogs_DecodeIntoTheirRecords()
    {
        AppPki pki = new([1, 2, 3], new byte[65], new byte[300]);
        var updated = Assert.IsType<PkiUpdated>(GovernanceEvent.TryDecode(Log(GovernanceAbi.PkiUpdatedEvent, [], [s_alice, pki.ToAbi()])));
        Assert.Equal(s_alice, updated.Updater);
        Assert.Equal(pki.Attestation, updated.Pki.Attestation);

        var domain = Assert.IsType<InstanceDomainRegistered>(GovernanceEvent.TryDecode(Log(GovernanceAbi.InstanceDomainRegisteredEvent, [], ["kms.example.org", s_bob])));
        Assert.Equal(("kms.example.org", s_bob), (domain.Domain, domain.Registrar));

        byte[] role = Keccak256.HashData("ROLE_OPERATOR"u8);
        var granted = Assert.IsType<RoleGranted>(GovernanceEvent.TryDecode(Log(GovernanceAbi.RoleGrantedEvent, [role, Topic(s_alice), Topic(s_bob)], [])));
        Assert.Equal(role, granted.Role);
        Assert.Equal((s_alice, s_bob), (granted.Account, granted.Sender));

        byte[] config = new byte[32];
        config[^1] = 9;
        var set = Assert.IsType<IdentityConfigSet>(GovernanceEvent.TryDecode(Log(GovernanceAbi.IdentityConfigSetEvent, [], [role, config, s_alice])));
        Assert.Equal(role, set.Identity);
        Assert.Equal(config, set.ConfigHash);
        Assert.Equal(s_alice, set.Setter);
    }

    [Fact]
    public void HostileLogs_AreRejected()
    {
        byte[] dirty = Enumerable.Repeat((byte)0xff, 32).ToArray();
        EthLog domain = Log(GovernanceAbi.InstanceDomainRegisteredEvent, [], ["kms.example.org", s_bob]);
        EthLog owner = Log(GovernanceAbi.OwnershipTransferredEvent, [Topic(s_alice), Topic(s_bob)], []);
        EthLog[] hostile =
        [
            owner with { Topics = [owner.Topics[0], dirty, owner.Topics[2]] },       // dirty indexed address
            owner with { Topics = owner.Topics.Take(2).ToArray() },                     // missing topic
            owner with { Topics = [.. owner.Topics, new byte[32]] },                    // extra topic
            owner with { Data = new byte[32] },                                         // data where there is none
            domain with { Data = [.. domain.Data, .. new byte[32]] },                   // trailing word
            domain with { Data = domain.Data[..40] },                                   // truncated
            domain with { Data = [.. domain.Data[..32], .. dirty] },                    // dirty address in data
            domain with { Data = [.. Word(96), .. domain.Data[32..64], .. new byte[32], .. domain.Data[64..]] }, // offset with a gap
            domain with { Data = new byte[2 * 1024 * 1024] },                           // over the cap
        ];

        foreach (EthLog log in hostile)
        {
            var error = Record.Exception(() => GovernanceEvent.TryDecode(log));
            Assert.True(error is AbiDecodingException, $"{Convert.ToHexStringLower(log.Data.AsSpan(0, Math.Min(log.Data.Length, 96)))}: {error?.GetType().Name ?? "accepted"}");
        }
    }

    [Fact]
    public void MutatedLogs_DecodeOrAreRejected_NeverAnotherException()
    {
        var random = new Random(7);
        EthLog[] valid =
        [
            Log(GovernanceAbi.PkiUpdatedEvent, [], [s_alice, new AppPki([1, 2, 3], new byte[65], new byte[40]).ToAbi()]),
            Log(GovernanceAbi.StorageBackendSetEvent, [], ["file:///var/lib/kms", s_bob]),
            Log(GovernanceAbi.RoleRevokedEvent, [new byte[32], Topic(s_alice), Topic(s_bob)], []),
        ];
        foreach (EthLog log in valid)
        {
            for (int i = 0; i < 1000; i++)
            {
                byte[] data = log.Data.ToArray();
                byte[][] topics = log.Topics.Select(t => t.ToArray()).ToArray();
                if (topics.Length == 1 || (data.Length > 0 && random.Next(3) != 0))
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }
                else
                {
                    topics[random.Next(1, topics.Length)][random.Next(32)] ^= (byte)(1 << random.Next(8));
                }

                var error = Record.Exception(() => GovernanceEvent.TryDecode(log with { Data = data, Topics = topics }));
                Assert.True(error is null or AbiDecodingException, $"iteration {i}: {error}");
            }
        }
    }

    private static EthLog Log(AbiEvent descriptor, byte[][] indexed, object?[] values) =>
        new(s_alice, [descriptor.Topic.ToArray(), .. indexed], NethereumAbi.Encode(descriptor.Parameters.Where((_, i) => !descriptor.Indexed[i]).ToArray(), values), 1, new byte[32], new byte[32], 0, 0, false);

    private static byte[] Topic(EthereumAddress address) => NethereumAbi.Encode(AbiType.Address, address);

    private static byte[] Word(int value) => NethereumAbi.Encode(AbiType.UInt256, new System.Numerics.BigInteger(value));
}
