using System.Numerics;
using Kms.Crypto.Ethereum;
using Kms.Governance.Rlp;
using Nethereum.Model;
using NethereumSignature = Nethereum.Model.Signature;
using ISignature = Nethereum.Model.ISignature;

namespace Kms.Governance.Transactions;

/// <summary>
/// An EIP-1559 (type 0x02) transaction. Nethereum's <see cref="Transaction1559"/> encodes it (signing hash =
/// keccak256(0x02 ‖ rlp(fields)); the signed form appends yParity, r, s); the signature is ours (NBitcoin.Secp256k1).
/// </summary>
public sealed record Eip1559Transaction
{
    /// <summary>The EIP-2718 type byte.</summary>
    public const byte TypeByte = 0x02;

    /// <summary>The largest raw transaction <see cref="DecodeSigned"/> reads (go-ethereum's txMaxSize, 128 KiB).</summary>
    public const int MaxRawSize = 128 * 1024;

    // chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, accessList, …
    private const int AccessListIndex = 8;

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
    public byte[] GetSigningHash() => Keccak256.HashData(ToModel().GetRLPEncodedRaw());

    /// <summary>Signs with an RFC 6979 deterministic secp256k1 signature (low s).</summary>
    public SignedTransaction Sign(ReadOnlySpan<byte> privateKey)
    {
        Validate();
        Transaction1559 model = ToModel();
        Secp256k1Signature signature = Secp256k1.Sign(Keccak256.HashData(model.GetRLPEncodedRaw()), privateKey);
        if (signature.RecoveryId > 1)
        {
            // Only reachable when R.x ≥ n (probability ~2^-128); such a signature cannot be expressed with yParity.
            throw new InvalidOperationException("The signature needs a recovery id above 1; change the transaction (e.g. the nonce) and sign again.");
        }

        return new SignedTransaction(this, signature, Encode(model, signature), EthereumAddress.FromPrivateKey(privateKey));
    }

    /// <summary>
    /// Decodes a signed type-0x02 transaction (as sent with eth_sendRawTransaction) and recovers its sender. Only the
    /// canonical encoding is accepted: the fields are re-encoded and must give the same bytes.
    /// </summary>
    /// <exception cref="RlpException">Malformed, oversized or non-canonical encoding.</exception>
    /// <exception cref="Secp256k1Exception">The signature is invalid (bad range, high s, or does not recover).</exception>
    public static SignedTransaction DecodeSigned(ReadOnlySpan<byte> raw)
    {
        if (raw.Length == 0 || raw[0] != TypeByte)
        {
            throw new RlpException("Not an EIP-1559 (type 0x02) transaction.");
        }

        if (raw.Length > MaxRawSize)
        {
            throw new RlpException($"The transaction is {raw.Length} bytes; at most {MaxRawSize} are accepted.");
        }

        // The list, the access list, an entry, its storage keys: deeper nesting is never a transaction.
        RlpNesting.EnsureAtMost(raw[1..], maxDepth: 4);
        RlpNesting.EnsureItemIsList(raw[1..], AccessListIndex);
        byte[] bytes = raw.ToArray();
        (Eip1559Transaction transaction, ISignature modelSignature) = FromModel(bytes);
        BigInteger yParity = UnsignedInteger(modelSignature.V);
        if (yParity > 1)
        {
            throw new Secp256k1Exception("yParity must be 0 or 1.");
        }

        var signature = new Secp256k1Signature(To32(modelSignature.R), To32(modelSignature.S), (int)yParity);
        Transaction1559 canonical = transaction.ToModel();
        byte[] signingHash = Keccak256.HashData(canonical.GetRLPEncodedRaw());
        if (!Encode(canonical, signature).AsSpan().SequenceEqual(bytes))
        {
            throw new RlpException("The transaction is not canonically encoded.");
        }

        byte[] publicKey = Secp256k1.RecoverPublicKey(signingHash, signature, requireLowS: true);
        return new SignedTransaction(transaction, signature, bytes, EthereumAddress.FromPublicKey(publicKey));
    }

    private static byte[] Encode(Transaction1559 model, Secp256k1Signature signature)
    {
        model.SetSignature(new NethereumSignature(Minimal(signature.R), Minimal(signature.S), signature.RecoveryId == 0 ? [] : [(byte)signature.RecoveryId]));
        return model.GetRLPEncoded();
    }

    private Transaction1559 ToModel() => new(
        ChainId,
        Nonce,
        MaxPriorityFeePerGas,
        MaxFeePerGas,
        GasLimit,
        To is { } to ? "0x" + Convert.ToHexStringLower(to.Bytes) : null,
        Value,
        "0x" + Convert.ToHexStringLower(Data),
        AccessList.Select(e => new AccessListItem(
            "0x" + Convert.ToHexStringLower(e.Address.Bytes),
            e.StorageKeys.Select(k => k.Length == 32 ? k : throw new InvalidOperationException("A storage key is 32 bytes.")).ToList())).ToList());

    private static (Eip1559Transaction Transaction, ISignature Signature) FromModel(byte[] raw)
    {
        Transaction1559 model;
        try
        {
            model = Transaction1559Encoder.Current.Decode(raw);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nethereum's decoder signals malformed input with a plain Exception ("Invalid RLP") or whatever the
            // failing index or conversion throws; the input size is capped above, so none of these is resource exhaustion.
            throw new RlpException("The transaction is not a well-formed RLP list of EIP-1559 fields.");
        }

        if (model.Signature is not { R: not null, S: not null } signature)
        {
            throw new RlpException("The transaction is not signed.");
        }

        byte[] to = string.IsNullOrEmpty(model.ReceiverAddress) ? [] : Convert.FromHexString(Strip0x(model.ReceiverAddress));
        if (to.Length is not (0 or EthereumAddress.Length))
        {
            throw new RlpException("The recipient must be empty or 20 bytes.");
        }

        var accessList = new List<AccessListEntry>();
        foreach (AccessListItem entry in model.AccessList ?? [])
        {
            byte[] address = Convert.FromHexString(Strip0x(entry.Address ?? string.Empty));
            if (address.Length != EthereumAddress.Length || entry.StorageKeys is null || entry.StorageKeys.Any(k => k.Length != 32))
            {
                throw new RlpException("A malformed access-list entry.");
            }

            accessList.Add(new AccessListEntry(EthereumAddress.FromBytes(address), entry.StorageKeys));
        }

        var transaction = new Eip1559Transaction
        {
            ChainId = model.ChainId,
            Nonce = ToUInt64(model.Nonce),
            MaxPriorityFeePerGas = model.MaxPriorityFeePerGas ?? BigInteger.Zero,
            MaxFeePerGas = model.MaxFeePerGas ?? BigInteger.Zero,
            GasLimit = ToUInt64(model.GasLimit),
            To = to.Length == 0 ? null : EthereumAddress.FromBytes(to),
            Value = model.Amount ?? BigInteger.Zero,
            Data = string.IsNullOrEmpty(model.Data) ? [] : Convert.FromHexString(Strip0x(model.Data)),
            AccessList = accessList,
        };
        return (transaction, signature);
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

    private static string Strip0x(string hex) => hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;

    private static ulong ToUInt64(BigInteger? value) =>
        value is { } v && v >= ulong.MinValue && v <= ulong.MaxValue ? (ulong)v : throw new RlpException("A nonce or gas limit does not fit 64 bits.");

    private static BigInteger UnsignedInteger(byte[]? bytes) => bytes is null ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: true, isBigEndian: true);

    private static byte[] Minimal(ReadOnlySpan<byte> value) => value.TrimStart((byte)0).ToArray();

    private static byte[] To32(byte[] value)
    {
        ReadOnlySpan<byte> trimmed = value.AsSpan().TrimStart((byte)0);
        if (trimmed.Length > 32)
        {
            throw new Secp256k1Exception("r or s is longer than 32 bytes.");
        }

        byte[] result = new byte[32];
        trimmed.CopyTo(result.AsSpan(32 - trimmed.Length));
        return result;
    }
}
