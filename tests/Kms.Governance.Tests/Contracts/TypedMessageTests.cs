using System.Numerics;
using System.Reflection;
using Kms.Crypto.Ethereum;
using Kms.Governance.Abi;
using Kms.Governance.Contracts;
using Kms.Governance.Contracts.Messages;
using Kms.Governance.JsonRpc;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Kms.Governance.Tests.Abi;

namespace Kms.Governance.Tests.Contracts;

/// <summary>
/// The Nethereum typed messages the bindings send: one for every function of the governance table (which the cast
/// interop test ties to the compiled contracts), with the same selector, and call data equal to the table's encoding.
/// </summary>
public sealed class TypedMessageTests
{
    private static readonly Type[] s_messageTypes = typeof(GovernanceContract).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(FunctionMessage)) && t.GetCustomAttribute<FunctionAttribute>() is not null)
        .ToArray();

    [Fact]
    public void EveryGovernanceFunction_HasExactlyOneTypedMessage_WithTheSameSelector()
    {
        Dictionary<string, FunctionABI> messages = s_messageTypes.Select(ABITypedRegistry.GetFunctionABI).ToDictionary(f => f.Signature);
        Assert.Equal(s_messageTypes.Length, messages.Count);
        Assert.Equal(GovernanceAbi.Functions.Select(f => f.Signature).Order(), messages.Keys.Order());
        foreach (AbiFunction descriptor in GovernanceAbi.Functions)
        {
            Assert.Equal(Convert.ToHexStringLower(descriptor.Selector), messages[descriptor.Signature].Sha3Signature);
        }
    }

    [Fact]
    public void TypedCallData_EqualsTheTableEncoding()
    {
        var random = new Random(10);
        DcapReport dcap = new(Bytes(random, 48), [Bytes(random, 48), Bytes(random, 48), Bytes(random, 48), Bytes(random, 48)], Bytes(random, 48), Bytes(random, 48), Bytes(random, 48));
        DcapEvent[] events = [new(1, 7, Bytes(random, 70), Bytes(random, 32)), new(2, 0x80000001, [], Bytes(random, 32))];
        MaaReport maa = new(Enumerable.Range(0, 24).Select(_ => Bytes(random, 32)).ToArray());
        OnboardRequest onboard = new(Bytes(random, 65), -BigInteger.Pow(2, 200), EthereumAddress.FromBytes(Bytes(random, 20)), Bytes(random, 3000));
        EthereumAddress account = EthereumAddress.FromBytes(Bytes(random, 20));
        byte[] word = Bytes(random, 32);

        Same(NethereumAbi.EncodeCall(GovernanceAbi.DcapIdentity, dcap.ToAbi(), events.Select(e => (object?)e.ToAbi()).ToArray()),
            new DcapIdentityFunction { Report = dcap.ToStruct(), EventLog = [.. events.Select(e => e.ToStruct())] }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.SetConfigForDcap, dcap.ToAbi(), Array.Empty<object?>(), word),
            new SetConfigForDcapFunction { Report = dcap.ToStruct(), ConfigHash = word }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.AllowlistMaa, new object?[] { maa.ToAbi() }), new AllowlistMaaFunction { Report = maa.ToStruct() }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.SetConfigForMaa, maa.ToAbi(), word), new SetConfigForMaaFunction { Report = maa.ToStruct(), ConfigHash = word }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.RequestOnboard, new object?[] { onboard.ToAbi() }), new RequestOnboardFunction { Request = onboard.ToStruct() }.GetCallData());
        AppPki pki = new([1], [], Bytes(random, 33));
        Same(NethereumAbi.EncodeCall(GovernanceAbi.SetPki, new object?[] { pki.ToAbi() }), new SetPkiFunction { Pki = pki.ToStruct() }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.IdentityAllowed, word, account), new IdentityAllowedFunction { Identity = word, Operator = account.ToLowerHexString() }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.RenounceRole, word, account), new RenounceRoleFunction { Role = word, CallerConfirmation = account.ToLowerHexString() }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.SetStorageBackend, "file:///var/lib/kms/é"), new SetStorageBackendFunction { Location = "file:///var/lib/kms/é" }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.AddArtifact, Bytes(new Random(3), 100)), new AddArtifactFunction { Data = Bytes(new Random(3), 100) }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.SupportsInterface, new byte[] { 1, 2, 3, 4 }), new SupportsInterfaceFunction { InterfaceId = [1, 2, 3, 4] }.GetCallData());
        Same(NethereumAbi.EncodeCall(GovernanceAbi.AllowedApplications), new AllowedApplicationsFunction().GetCallData());
    }

    [Fact]
    public void OnboardRequestHash_IsKeccakOfTheAbiEncodedFields()
    {
        OnboardRequest request = new([4, 5, 6], BigInteger.MinusOne, EthereumAddress.FromBytes(Enumerable.Repeat((byte)0xab, 20).ToArray()), [7]);
        Assert.Equal(Keccak256.HashData(NethereumAbi.Encode(OnboardRequest.AbiType.Components, request.ToAbi())), request.ComputeHash());
    }

    [Fact]
    public async Task WrongSizedFixedArguments_AreRejectedBeforeAnyRequest()
    {
        // Nethereum would pad a 31-byte bytes32 with a zero and send another identity; the bindings refuse instead.
        using var http = new HttpClient();
        var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9") });
        var kms = new KmsGovernanceContract(client, EthereumAddress.Zero);
        var registry = new AppRegistryContract(client, EthereumAddress.Zero);
        await Assert.ThrowsAsync<ArgumentException>(() => kms.IsIdentityAllowedAsync(new byte[31], EthereumAddress.Zero));
        await Assert.ThrowsAsync<ArgumentException>(() => kms.HasRoleAsync(new byte[33], EthereumAddress.Zero));
        await Assert.ThrowsAsync<ArgumentException>(() => kms.FetchOnboardRequestAsync(new byte[16]));
        await Assert.ThrowsAsync<ArgumentException>(() => kms.SupportsInterfaceAsync(new byte[3]));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.GetArtifactAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.GetConfigForIdentityAsync(new byte[31], EthereumAddress.Zero));
        DcapReport threeRtmrs = new(new byte[48], [new byte[48], new byte[48], new byte[48]], new byte[48], new byte[48], new byte[48]);
        await Assert.ThrowsAsync<ArgumentException>(() => kms.GetDcapIdentityAsync(threeRtmrs));
        await Assert.ThrowsAsync<ArgumentException>(() => kms.GetMaaIdentityAsync(new MaaReport([.. Enumerable.Range(0, 24).Select(i => new byte[i == 9 ? 31 : 32])])));
    }

    private static void Same(byte[] table, byte[] typed) => Assert.Equal(Convert.ToHexStringLower(table), Convert.ToHexStringLower(typed));

    private static byte[] Bytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
