using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;

namespace Kms.Governance.Tests.Contracts;

/// <summary>
/// One anvil process per test class on a free 127.0.0.1 port, with both governance contracts deployed by our own
/// client (EIP-1559 transactions signed by anvil's dev account 0). Killed on dispose.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    /// <summary>Anvil's well-known dev accounts (derived from the "test test … junk" mnemonic).</summary>
    public static readonly byte[] DevKey0 = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    public static readonly byte[] DevKey1 = Convert.FromHexString("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    public static readonly byte[] DevKey2 = Convert.FromHexString("5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

    private Process? _process;
    private HttpClient? _http;
    private string? _unavailable;

    public EthJsonRpcClient Client => _client ?? throw new InvalidOperationException(_unavailable);

    public string RpcUrl { get; private set; } = string.Empty;

    public TransactionSender Owner => _owner ?? throw new InvalidOperationException(_unavailable);

    public EthereumAddress KmsAddress { get; private set; }

    public EthereumAddress RegistryAddress { get; private set; }

    public ulong DeploymentBlock { get; private set; }

    public int? ProcessId => _process?.Id;

    private EthJsonRpcClient? _client;
    private TransactionSender? _owner;

    public KmsGovernanceContract Kms(TransactionSender? sender = null) => new(Client, KmsAddress, sender ?? Owner);

    public AppRegistryContract Registry(TransactionSender? sender = null) => new(Client, RegistryAddress, sender ?? Owner);

    public TransactionSender NewSender(byte[] key) => new(Client, key);

    public async Task InitializeAsync()
    {
        _unavailable = Foundry.MissingReason();
        if (_unavailable is not null)
        {
            return;
        }

        int port = FreePort();
        var info = new ProcessStartInfo(Foundry.Anvil!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        RpcUrl = $"http://127.0.0.1:{port}";
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _client = new EthJsonRpcClient(_http, new EthJsonRpcClientOptions { Endpoint = new Uri(RpcUrl), ReceiptPollInterval = TimeSpan.FromMilliseconds(20) });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await _client.GetChainIdAsync();
                break;
            }
            catch (JsonRpcTransportException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }

        _owner = new TransactionSender(_client, DevKey0);
        DeploymentBlock = await _client.GetBlockNumberAsync();
        KmsAddress = await _owner.DeployAsync(ContractArtifact.Load(Foundry.ArtifactPath("KmsGovernance")!).Bytecode);
        RegistryAddress = await _owner.DeployAsync(ContractArtifact.Load(Foundry.ArtifactPath("AppRegistry")!).Bytecode);
    }

    public Task DisposeAsync()
    {
        _owner?.Dispose();
        _http?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
