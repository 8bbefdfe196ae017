using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.Rlp;
using Kms.Governance.Tests.Contracts;
using Kms.Governance.Transactions;
using Kms.Tests.Shared;
using Nethereum.RLP;
using Kms.Governance.Tests.Abi;

namespace Kms.Governance.Tests.Transactions;

public sealed class Eip1559TransactionTests
{
    private static readonly byte[] s_key = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    // Produced by `cast mktx --private-key 0x4c08…2318 --chain 1 --nonce 7 --gas-limit 50000 --gas-price 30000000000
    //   --priority-gas-price 2000000000 --value 12345 0x3535…35 "setStorageBackend(string)" "file:///x"` (foundry 1.7.1).
    private const string CastRaw = "02f8d2010784773594008506fc23ac0082c350943535353535353535353535353535353535353535823039b86427ae3ad90000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000966696c653a2f2f2f780000000000000000000000000000000000000000000000c001a075b15767963b199452dcc9d5c11b3eb43471920bee6ec3d66aae6c131a18bceca0336c4f5190f00088bf2d3e8e7612eaa5d889c34572a9d95266b954209906f4b0";

    [Fact]
    public void Eip155PublishedExample_SigningHashAndSignature()
    {
        // EIP-155 example: nonce 9, gas price 20 gwei, gas 21000, to 0x3535…35, value 1 ether, chain id 1, key 0x4646…46.
        byte[] key = Enumerable.Repeat((byte)0x46, 32).ToArray();
        byte[] signingData = RLP.EncodeList(
            RlpUInt(9),
            RlpUInt(20_000_000_000),
            RlpUInt(21000),
            RLP.EncodeElement(Enumerable.Repeat((byte)0x35, 20).ToArray()),
            RlpUInt(BigInteger.Pow(10, 18)),
            RLP.EncodeElement([]),
            RlpUInt(1),
            RlpUInt(0),
            RlpUInt(0));
        Assert.Equal(
            "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080",
            Convert.ToHexStringLower(signingData));
        byte[] hash = Keccak256.HashData(signingData);
        Assert.Equal("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53", Convert.ToHexStringLower(hash));

        Secp256k1Signature signature = Secp256k1.Sign(hash, key);
        Assert.Equal(BigInteger.Parse("18515461264373351373200002665853028612451056578545711640558177340181847433846"), new BigInteger(signature.R, isUnsigned: true, isBigEndian: true));
        Assert.Equal(BigInteger.Parse("46948507304638947509940763649030358759909902576025900602547168820602576006531"), new BigInteger(signature.S, isUnsigned: true, isBigEndian: true));
        Assert.Equal(37, signature.RecoveryId + 35 + (2 * 1)); // v = recovery id + chainId*2 + 35
    }

    [Fact]
    public void PublishedEip1559Vector_ContractCreationWithoutData()
    {
        // Published EIP-1559 signing scenario (Nethereum test scenarios): chain 1559, nonce 0, tip 3, max fee 4,
        // gas 3500, no recipient, value 10, no data, key 0xb5b1…44f7.
        byte[] key = Convert.FromHexString("b5b1870957d373ef0eeffecc6e4812c0fd08f554b37b233526acc331bf1544f7");
        var transaction = new Eip1559Transaction { ChainId = 1559, Nonce = 0, MaxPriorityFeePerGas = 3, MaxFeePerGas = 4, GasLimit = 3500, Value = 10 };

        Assert.Equal(Keccak256.HashData(Convert.FromHexString("02cd820617800304820dac800a80c0")), transaction.GetSigningHash());
        Assert.Equal(
            "02f850820617800304820dac800a80c080a0de12484b58bd47130bf9964740b4d68e42bcbbbc39b2eed5b917f0ae66f5e630a01b0d7aa6a810d63c25c115ef217e37023bbe3146b9bb1fe580d004d6432f7f32",
            Convert.ToHexStringLower(transaction.Sign(key).RawBytes));
    }

    [Fact]
    public void Sign_EqualsCastMktx_AndDecodes()
    {
        Eip1559Transaction transaction = SampleTransaction();
        SignedTransaction signed = transaction.Sign(s_key);

        Assert.Equal(CastRaw, Convert.ToHexStringLower(signed.RawBytes));

        SignedTransaction decoded = Eip1559Transaction.DecodeSigned(Convert.FromHexString(CastRaw));
        Assert.Equal(EthereumAddress.FromPrivateKey(s_key), decoded.Sender);
        Assert.Equal(transaction.Data, decoded.Transaction.Data);
        Assert.Equal(transaction.To, decoded.Transaction.To);
        Assert.Equal(7UL, decoded.Transaction.Nonce);
        Assert.Equal(signed.Hash, decoded.Hash);
    }

    [RequiresCastFact]
    public void Sign_EqualsLiveCastMktx_ForAccessListAndCreate()
    {
        var random = new Random(5);
        for (int i = 0; i < 4; i++)
        {
            byte[] data = new byte[random.Next(0, 200)];
            random.NextBytes(data);
            var transaction = new Eip1559Transaction
            {
                ChainId = 31337 + i,
                Nonce = (ulong)random.Next(0, 100000),
                MaxPriorityFeePerGas = random.Next(0, 1000),
                MaxFeePerGas = 1000 + random.Next(0, 1_000_000),
                GasLimit = (ulong)random.Next(21000, 10_000_000),
                To = i == 3 ? null : EthereumAddress.FromBytes(Enumerable.Repeat((byte)(i + 1), 20).ToArray()),
                Value = random.Next(),
                Data = data,
            };
            string[] args =
            [
                "mktx", "--private-key", "0x" + Convert.ToHexStringLower(s_key), "--chain", transaction.ChainId.ToString(),
                "--nonce", transaction.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), "--gas-limit", transaction.GasLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--gas-price", transaction.MaxFeePerGas.ToString(), "--priority-gas-price", transaction.MaxPriorityFeePerGas.ToString(),
                "--value", transaction.Value.ToString(),
                .. transaction.To is { } to ? new[] { to.ToString(), "0x" + Convert.ToHexStringLower(data) } : ["--create", "0x" + Convert.ToHexStringLower(data)],
            ];

            string castRaw = Foundry.RunCast(args);
            Assert.Equal(castRaw, "0x" + Convert.ToHexStringLower(transaction.Sign(s_key).RawBytes));
        }
    }

    [Fact]
    public void DecodeSigned_RejectsMalformed()
    {
        byte[] raw = Convert.FromHexString(CastRaw);
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(raw[1..])); // no type byte
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(raw[..^1])); // truncated
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned([]));

        byte[] tampered = (byte[])raw.Clone();
        tampered[^1] ^= 1; // s changes: recovers to some other key or fails
        Assert.NotEqual(EthereumAddress.FromPrivateKey(s_key), SenderOrZero(tampered));

        var random = new Random(3);
        for (int i = 0; i < 500; i++)
        {
            byte[] mutated = (byte[])raw.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            _ = SenderOrZero(mutated);
        }
    }

    [Fact]
    public void Sign_RejectsInvalidFields()
    {
        Assert.Throws<InvalidOperationException>(() => (SampleTransaction() with { MaxPriorityFeePerGas = 10, MaxFeePerGas = 9 }).Sign(s_key));
        Assert.Throws<InvalidOperationException>(() => (SampleTransaction() with { ChainId = 0 }).Sign(s_key));
    }

    [Fact]
    public void DecodeSigned_RejectsNonCanonicalAndOversized()
    {
        // The nonce 7 written as a one-byte string (0x81 0x07) instead of the byte itself: same value, not canonical.
        byte[] raw = Convert.FromHexString(CastRaw);
        int nonceAt = 4; // 02 f8 d2 01 | 07
        Assert.Equal(0x07, raw[nonceAt]);
        byte[] nonCanonical = [.. raw[..2], (byte)(raw[2] + 1), .. raw[3..nonceAt], 0x81, .. raw[nonceAt..]];
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(nonCanonical));

        byte[] oversized = new byte[Eip1559Transaction.MaxRawSize + 1];
        oversized[0] = Eip1559Transaction.TypeByte;
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(oversized));
    }

    [Fact]
    public void DecodeSigned_RejectsDeeplyNestedLists_WithoutRecursing()
    {
        // 30,000 nested lists (~90 KiB, under the size cap) in the access-list field: Nethereum's recursive decoder
        // alone needs 47 s to reject this (and a little deeper overflows the stack); the walk refuses it at once.
        byte[] nested = RLP.EncodeList();
        for (int i = 0; i < 30_000; i++)
        {
            nested = RLP.EncodeList(nested);
        }

        byte[] raw = [Eip1559Transaction.TypeByte, .. RLP.EncodeList(
            RlpUInt(1), RlpUInt(0), RlpUInt(1), RlpUInt(2), RlpUInt(21000), RLP.EncodeElement(new byte[20]), RlpUInt(0),
            RLP.EncodeElement([]), nested, RlpUInt(0), RlpUInt(1), RlpUInt(1))];
        Assert.True(raw.Length < Eip1559Transaction.MaxRawSize);

        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(raw));
    }

    [Fact]
    public void DecodeSigned_RejectsAnAccessListSentAsAStringOfNestedLists_WithoutRecursing()
    {
        // The depth walk treats strings as opaque, but Nethereum decodes the access-list field's bytes again: deep
        // nesting wrapped in a string would reach its recursive decoder (10,000 levels crash a 1.5 MB stack).
        byte[] nested = RLP.EncodeList();
        for (int i = 0; i < 10_000; i++)
        {
            nested = RLP.EncodeList(nested);
        }

        byte[] raw = [Eip1559Transaction.TypeByte, .. RLP.EncodeList(
            RlpUInt(1), RlpUInt(0), RlpUInt(1), RlpUInt(2), RlpUInt(21000), RLP.EncodeElement(new byte[20]), RlpUInt(0),
            RLP.EncodeElement([]), RLP.EncodeElement(nested), RlpUInt(0), RlpUInt(1), RlpUInt(1))];
        Assert.True(raw.Length < Eip1559Transaction.MaxRawSize);

        Exception? failure = null;
        var thread = new Thread(() => failure = Record.Exception(() => Eip1559Transaction.DecodeSigned(raw)), 1_536 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "refused at once");
        RlpException error = Assert.IsType<RlpException>(failure);
        Assert.Contains("must be a list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeSigned_RejectsLengthsPastTheirList()
    {
        byte[] raw = Convert.FromHexString(CastRaw);
        byte[] inflated = (byte[])raw.Clone();
        inflated[2]++; // the outer list claims one byte more than there is
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(inflated));

        byte[] longLength = [Eip1559Transaction.TypeByte, 0xfd, 1, 2, 3, 4, 5];
        Assert.Throws<RlpException>(() => Eip1559Transaction.DecodeSigned(longLength));

        var random = new Random(11);
        for (int i = 0; i < 500; i++)
        {
            byte[] candidate = new byte[random.Next(1, 300)];
            random.NextBytes(candidate);
            candidate[0] = Eip1559Transaction.TypeByte;
            Assert.Equal(EthereumAddress.Zero, SenderOrZero(candidate));
        }
    }

    private static byte[] RlpUInt(BigInteger value) =>
        RLP.EncodeElement(value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true));

    private static EthereumAddress SenderOrZero(byte[] raw)
    {
        try
        {
            return Eip1559Transaction.DecodeSigned(raw).Sender;
        }
        catch (Exception ex) when (ex is RlpException or Secp256k1Exception)
        {
            return EthereumAddress.Zero;
        }
    }

    private static Eip1559Transaction SampleTransaction() => new()
    {
        ChainId = 1,
        Nonce = 7,
        MaxPriorityFeePerGas = 2_000_000_000,
        MaxFeePerGas = 30_000_000_000,
        GasLimit = 50000,
        To = EthereumAddress.FromBytes(Enumerable.Repeat((byte)0x35, 20).ToArray()),
        Value = 12345,
        Data = NethereumAbi.EncodeCall(GovernanceAbi.SetStorageBackend, "file:///x"),
    };
}
