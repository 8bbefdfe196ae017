using System.Collections.Concurrent;
using Kms.Crypto.Ethereum;
using Kms.Governance.JsonRpc;
using Kms.Governance.Service;
using Kms.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Namespaces;

/// <summary>
/// One <see cref="OnchainGovernance"/> per governing contract, over the silo's single JSON-RPC connection: the contract
/// address is the namespace id, so the set of contracts grows as onchain namespaces are created, and each keeps its own
/// block-pinned cache and staleness clock. A silo singleton: every activation of a namespace shares its cache.
/// </summary>
internal sealed class OnchainGovernanceDirectory : IDisposable
{
    private readonly GovernanceChainOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<EthereumAddress, OnchainGovernance> _byContract = new();
    private readonly Lazy<(HttpClient Http, EthJsonRpcClient Client, ContractGovernanceChainReader Reader)>? _chain;

    public OnchainGovernanceDirectory(IOptions<KmsGrainOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Value.Governance;
        _time = time;
        _loggers = loggers;
        if (_options.RpcUrl is { } url)
        {
            _chain = new(() =>
            {
                var http = new HttpClient { Timeout = _options.RpcTimeout };
                var client = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = url });
                return (http, client, new ContractGovernanceChainReader(client, EthereumAddress.Parse(_options.OperatorAddress!)));
            });
        }
    }

    /// <summary>Whether the silo has an Ethereum node configured.</summary>
    public bool IsConfigured => _chain is not null;

    /// <summary>The JSON-RPC client of the configured node, shared by every onchain read of the silo.</summary>
    /// <exception cref="KmsException">No node is configured (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public EthJsonRpcClient Rpc => _chain is null
        ? throw new KmsException(KmsErrorKind.Unavailable, "This silo has no governance RPC endpoint (Silo:Grains:Governance:RpcUrl).")
        : _chain.Value.Client;

    /// <summary>The governance of the namespace <paramref name="namespace"/>, whose id is the contract address.</summary>
    /// <exception cref="KmsException">No node is configured (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public INamespaceGovernance For(string @namespace, EthereumAddress contract) => Onchain(@namespace, contract);

    /// <summary>This KMS's operator address (the <c>operator</c> of the Go registry's AppSecrets), or null without a node.</summary>
    public EthereumAddress? OperatorAddress => _chain is null ? null : EthereumAddress.Parse(_options.OperatorAddress!);

    /// <summary>The concrete onchain governance of a namespace (the Go registry front end asks it per operator).</summary>
    /// <exception cref="KmsException">No node is configured (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public OnchainGovernance Onchain(string @namespace, EthereumAddress contract)
    {
        if (_chain is null)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"This silo has no governance RPC endpoint; the onchain namespace '{@namespace}' cannot be read.");
        }

        return _byContract.GetOrAdd(contract, c => new OnchainGovernance(
            _chain.Value.Reader,
            new OnchainGovernanceOptions
            {
                Namespaces = { [@namespace] = new OnchainNamespace(c, _options.KmsContract is { } kms ? EthereumAddress.Parse(kms) : null) },
                Confirmations = _options.Confirmations,
                PollInterval = _options.PollInterval,
                StalenessBound = _options.StalenessBound,
            },
            _time,
            _loggers.CreateLogger<OnchainGovernance>()));
    }

    public void Dispose()
    {
        if (_chain is { IsValueCreated: true })
        {
            _chain.Value.Http.Dispose();
        }
    }
}
