using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Rlp;

namespace Kms.Governance.Transactions;

/// <summary>
/// An EIP-1559 (type 0x02) transaction. The signing hash is keccak256(0x02 ‖ rlp([chainId, nonce,
/// maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])); the signed form appends
/// yParity, r, s to that list.
/// </summary>
public sealed record Eip1559Transaction
{
    /// <summary>The EIP-2718 type byte.</summary>
    public const byte TypeByte = 0x02;

    /// <summary>Chain id (EIP-155 replay protection), e.g. 1 for mainnet, 31337 for anvil.</summary>
    public required BigInteger ChainId { get; init; }

    /// <summary>Sender account nonce.</summary>
    public required ulong Nonce { get; init; }

    /// <summary>Tip per gas to the block producer, in wei.</summary>
    public required BigInteger MaxPriorityFeePerGas { get; init; }

    /// <summary>Maximum total fee per gas (base fee + tip), in wei.</summary>
    public required BigInteger MaxFeePerGas { get; init; }

    /// <summary>Gas limit.</summary>
    public required ulong GasLimit { get; init; }

    /// <summary>Recipient; null deploys a contract with <see cref="Data"/> as init code.</summary>
    public EthereumAddress? To { get; init; }

    /// <summary>Value in wei.</summary>
    public BigInteger Value { get; init; }

    /// <summary>Call data or init code.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary>EIP-2930 access list.</summary>
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    /// <summary>The hash the sender signs.</summary>
    public byte[] GetSigningHash() => Keccak256.HashData([TypeByte, .. RlpCodec.EncodeList(Fields())]);

    /// <summary>Signs with an RFC 6979 deterministic secp256k1 signature (low s).</summary>
    public SignedTransaction Sign(ReadOnlySpan<byte> privateKey)
    {
        Validate();
        Secp256k1Signature signature = Secp256k1.Sign(GetSigningHash(), privateKey);
        if (signature.RecoveryId > 1)
        {
            // Only reachable when R.x ≥ n (probability ~2^-128); such a signature cannot be expressed with yParity.
            throw new InvalidOperationException("The signature needs a recovery id above 1; change the transaction (e.g. the nonce) and sign again.");
        }

        byte[] raw = [TypeByte, .. RlpCodec.EncodeList(
            [.. Fields(),
            RlpCodec.EncodeUInt(signature.RecoveryId),
            RlpCodec.EncodeUInt(new BigInteger(signature.R, isUnsigned: true, isBigEndian: true)),
            RlpCodec.EncodeUInt(new BigInteger(signature.S, isUnsigned: true, isBigEndian: true))])];
        return new SignedTransaction(this, signature, raw, EthereumAddress.FromPrivateKey(privateKey));
    }

    /// <summary>
    /// Decodes a signed type-0x02 transaction (as sent with eth_sendRawTransaction) and recovers its sender.
    /// </summary>
    /// <exception cref="RlpException">Malformed or non-canonical encoding.</exception>
    /// <exception cref="Secp256k1Exception">The signature is invalid (bad range, high s, or does not recover).</exception>
    public static SignedTransaction DecodeSigned(ReadOnlySpan<byte> raw)
    {
        if (raw.Length == 0 || raw[0] != TypeByte)
        {
            throw new RlpException("Not an EIP-1559 (type 0x02) transaction.");
        }

        IReadOnlyList<RlpItem> fields = RlpCodec.Decode(raw[1..]).Items;
        if (fields.Count != 12)
        {
            throw new RlpException($"An EIP-1559 transaction has 12 fields, got {fields.Count}.");
        }

        byte[] to = fields[5].Bytes;
        if (to.Length is not (0 or EthereumAddress.Length))
        {
            throw new RlpException("The recipient must be empty or 20 bytes.");
        }

        var accessList = new List<AccessListEntry>();
        foreach (RlpItem entry in fields[8].Items)
        {
            if (entry.Items.Count != 2 || entry.Items[0].Bytes.Length != EthereumAddress.Length)
            {
                throw new RlpException("A malformed access-list entry.");
            }

            byte[][] keys = entry.Items[1].Items.Select(k => k.Bytes.Length == 32 ? k.Bytes : throw new RlpException("A storage key is not 32 bytes.")).ToArray();
            accessList.Add(new AccessListEntry(EthereumAddress.FromBytes(entry.Items[0].Bytes), keys));
        }

        var transaction = new Eip1559Transaction
        {
            ChainId = fields[0].ToUInt(),
            Nonce = fields[1].ToUInt64(),
            MaxPriorityFeePerGas = fields[2].ToUInt(),
            MaxFeePerGas = fields[3].ToUInt(),
            GasLimit = fields[4].ToUInt64(),
            To = to.Length == 0 ? null : EthereumAddress.FromBytes(to),
            Value = fields[6].ToUInt(),
            Data = fields[7].Bytes,
            AccessList = accessList,
        };

        BigInteger yParity = fields[9].ToUInt(1);
        if (yParity > 1)
        {
            throw new Secp256k1Exception("yParity must be 0 or 1.");
        }

        var signature = new Secp256k1Signature(To32(fields[10].ToUInt()), To32(fields[11].ToUInt()), (int)yParity);
        byte[] publicKey = Secp256k1.RecoverPublicKey(transaction.GetSigningHash(), signature, requireLowS: true);
        return new SignedTransaction(transaction, signature, raw.ToArray(), EthereumAddress.FromPublicKey(publicKey));
    }

    private void Validate()
    {
        if (ChainId.Sign <= 0 || MaxPriorityFeePerGas.Sign < 0 || MaxFeePerGas.Sign < 0 || Value.Sign < 0)
        {
            throw new InvalidOperationException("Chain id must be positive and fees/value non-negative.");
        }

        if (MaxPriorityFeePerGas > MaxFeePerGas)
        {
            throw new InvalidOperationException("maxPriorityFeePerGas must not exceed maxFeePerGas.");
        }
    }

    private byte[][] Fields() =>
    [
        RlpCodec.EncodeUInt(ChainId),
        RlpCodec.EncodeUInt(Nonce),
        RlpCodec.EncodeUInt(MaxPriorityFeePerGas),
        RlpCodec.EncodeUInt(MaxFeePerGas),
        RlpCodec.EncodeUInt(GasLimit),
        RlpCodec.EncodeBytes(To is { } to ? to.Bytes : []),
        RlpCodec.EncodeUInt(Value),
        RlpCodec.EncodeBytes(Data),
        RlpCodec.EncodeList(AccessList.Select(e => RlpCodec.EncodeList(
            RlpCodec.EncodeBytes(e.Address.Bytes),
            RlpCodec.EncodeList(e.StorageKeys.Select(k => k.Length == 32 ? RlpCodec.EncodeBytes(k) : throw new InvalidOperationException("A storage key is 32 bytes."))))))
    ];

    private static byte[] To32(BigInteger value)
    {
        if (value.GetByteCount(isUnsigned: true) > 32)
        {
            throw new Secp256k1Exception("r or s is longer than 32 bytes.");
        }

        byte[] result = new byte[32];
        value.TryWriteBytes(result.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return result;
    }
}
