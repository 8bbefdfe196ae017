using System.Numerics;
using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Governance.JsonRpc;

namespace Kms.Governance.Transactions;

/// <summary>
/// Builds, signs (EIP-1559, RFC 6979) and sends transactions from one key: nonce from the pending state,
/// gas from eth_estimateGas (a revert surfaces there as <see cref="JsonRpcException"/> with revert data),
/// fees from eth_feeHistory and eth_maxPriorityFeePerGas. Sends from one instance are serialized so nonces
/// do not collide. Dispose to zero the key.
/// </summary>
public sealed class TransactionSender : IDisposable
{
    private readonly EthJsonRpcClient _client;
    private readonly TransactionSenderOptions _options;
    private readonly byte[] _privateKey;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private BigInteger? _chainId;
    private bool _disposed;

    /// <summary>Creates a sender for <paramref name="privateKey"/> (copied).</summary>
    public TransactionSender(EthJsonRpcClient client, ReadOnlySpan<byte> privateKey, TransactionSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Secp256k1.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException("The private key is not a valid secp256k1 scalar.", nameof(privateKey));
        }

        _client = client;
        _options = options ?? new TransactionSenderOptions();
        ValidateOptions(_options);
        _privateKey = privateKey.ToArray();
        Address = EthereumAddress.FromPrivateKey(_privateKey);
    }

    /// <summary>The sender address.</summary>
    public EthereumAddress Address { get; }

    /// <summary>The JSON-RPC client used.</summary>
    public EthJsonRpcClient Client => _client;

    /// <summary>Signs and sends a transaction; returns it without waiting for inclusion.</summary>
    public async Task<SignedTransaction> SendAsync(EthereumAddress? to, byte[] data, BigInteger value = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _chainId ??= await _client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        ulong gas = await _client.EstimateGasAsync(new CallRequest { From = Address, To = to, Data = data, Value = value }, cancellationToken).ConfigureAwait(false);
        BigInteger tip = await _client.GetMaxPriorityFeePerGasAsync(cancellationToken).ConfigureAwait(false);
        FeeHistory history = await _client.GetFeeHistoryAsync(1, BlockTag.Latest, [], cancellationToken).ConfigureAwait(false);
        BigInteger baseFee = history.BaseFeePerGas.Count > 0 ? history.BaseFeePerGas[^1] : BigInteger.Zero;
        BigInteger maxFee = (baseFee * _options.BaseFeeMultiplier) + tip;
        if (maxFee > _options.MaxFeePerGasCap)
        {
            throw new InvalidOperationException($"The required maxFeePerGas {maxFee} wei exceeds the configured cap {_options.MaxFeePerGasCap} wei.");
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ulong nonce = await _client.GetTransactionCountAsync(Address, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
            var transaction = new Eip1559Transaction
            {
                ChainId = _chainId.Value,
                Nonce = nonce,
                MaxPriorityFeePerGas = tip,
                MaxFeePerGas = maxFee,
                GasLimit = checked(gas * (ulong)_options.GasLimitPercent / 100),
                To = to,
                Value = value,
                Data = data,
            };
            SignedTransaction signed = transaction.Sign(_privateKey);
            await _client.SendRawTransactionAsync(signed.RawBytes, cancellationToken).ConfigureAwait(false);
            return signed;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a transaction and waits for its receipt; throws <see cref="TransactionFailedException"/> on status 0.</summary>
    public async Task<TransactionReceipt> SendAndWaitAsync(EthereumAddress? to, byte[] data, BigInteger value = default, CancellationToken cancellationToken = default)
    {
        SignedTransaction signed = await SendAsync(to, data, value, cancellationToken).ConfigureAwait(false);
        TransactionReceipt receipt = await _client.WaitForReceiptAsync(signed.Hash, cancellationToken).ConfigureAwait(false);
        return receipt.Succeeded ? receipt : throw new TransactionFailedException(receipt);
    }

    /// <summary>Deploys a contract (init code = bytecode ‖ encoded constructor arguments) and returns its address.</summary>
    public async Task<EthereumAddress> DeployAsync(byte[] initCode, CancellationToken cancellationToken = default)
    {
        TransactionReceipt receipt = await SendAndWaitAsync(null, initCode, default, cancellationToken).ConfigureAwait(false);
        return receipt.ContractAddress ?? throw new InvalidOperationException("The deployment receipt has no contract address.");
    }

    private static void ValidateOptions(TransactionSenderOptions options)
    {
        // Below 100 % the gas limit is under the estimate and the transaction runs out of gas (and still pays for it);
        // a non-positive multiplier or cap could never produce a valid fee.
        if (options.GasLimitPercent is < 100 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.GasLimitPercent, "GasLimitPercent must be between 100 and 1000.");
        }

        if (options.BaseFeeMultiplier < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BaseFeeMultiplier, "BaseFeeMultiplier must be at least 1.");
        }

        if (options.MaxFeePerGasCap.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFeePerGasCap, "MaxFeePerGasCap must be positive.");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_privateKey);
        _sendLock.Dispose();
    }
}
