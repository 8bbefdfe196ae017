using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kms.Crypto.Certificates;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.JsonRpc;
using Kms.Governance.Transactions;
using Kms.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Kms.Benchmarks.Release;

/// <summary>
/// <c>registry-load [connections] [seconds] [--warmup s]</c>: a closed-loop load of the Go registry's
/// <c>POST /api/attested/secrets/{contract}</c> in trusted-proxy mode against an in-process dev silo governed by a real
/// anvil node (started here, contracts deployed, the application allowed and the identity mapped). Every request costs
/// the silo one CSR verification and one certificate signature (plus the dev evidence signature of the KMS's own
/// attestation); governance answers come from the block-pinned cache. Reports requests/s and latency percentiles, and
/// the ratio to <c>openssl speed ecdsap256</c> for one verification plus one signature on one core.
/// </summary>
internal static class RegistryLoad
{
    private static readonly byte[] s_deployer = Convert.FromHexString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private static readonly byte[] s_instanceOperator = Convert.FromHexString("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    public static async Task<int> RunAsync(BenchArguments arguments, CancellationToken cancellationToken)
    {
        int connections = arguments.Number(0, 32);
        TimeSpan duration = TimeSpan.FromSeconds(arguments.Number(1, 10));
        TimeSpan warmup = TimeSpan.FromSeconds(arguments.Number("--warmup", 3));
        string root = RepositoryRoot();
        string anvilPath = Environment.GetEnvironmentVariable("KMS_ANVIL") is { Length: > 0 } configured ? configured
            : Path.Combine(root, "infra", "contracts", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        if (!File.Exists(anvilPath) || !File.Exists(Path.Combine(root, "infra", "contracts", "out", "AppRegistry.json")))
        {
            throw new ArgumentException("registry-load needs anvil and the compiled contracts: npm install --prefix infra/contracts && npm run --prefix infra/contracts build.");
        }

        int port = FreePort();
        using Process anvil = Process.Start(new ProcessStartInfo(anvilPath, ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string directory = Directory.CreateTempSubdirectory("kms-registry-bench-").FullName;
        WebApplication? app = null;
        try
        {
            using var http = new HttpClient();
            var rpc = new EthJsonRpcClient(http, new EthJsonRpcClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}"), ReceiptPollInterval = TimeSpan.FromMilliseconds(20) });
            await WaitForNodeAsync(rpc, cancellationToken);
            using var owner = new TransactionSender(rpc, s_deployer);
            EthereumAddress kms = await owner.DeployAsync(ContractArtifact.Load(Path.Combine(root, "infra", "contracts", "out", "KmsGovernance.json")).Bytecode);
            EthereumAddress registry = await owner.DeployAsync(ContractArtifact.Load(Path.Combine(root, "infra", "contracts", "out", "AppRegistry.json")).Bytecode);
            byte[][] registers = Enumerable.Range(0, 5).Select(i => SHA384.HashData(Encoding.ASCII.GetBytes("bench register " + i))).ToArray();
            await new KmsGovernanceContract(rpc, kms, owner).AllowApplicationAsync(registry, cancellationToken);
            var appRegistry = new AppRegistryContract(rpc, registry, owner);
            await appRegistry.GrantRoleAsync(KmsGovernanceContract.RoleOperator, EthereumAddress.FromPrivateKey(s_instanceOperator), cancellationToken);
            await appRegistry.SetConfigForIdentityAsync(Keccak256.HashData([.. registry.Bytes, .. registers[1], .. registers[2], .. registers[3]]), RandomNumberGenerator.GetBytes(32), cancellationToken);

            File.WriteAllText(Path.Combine(directory, "appsettings.json"), JsonSerializer.Serialize(new
            {
                Silo = new
                {
                    Grains = new
                    {
                        Governance = new
                        {
                            RpcUrl = $"http://127.0.0.1:{port}",
                            OperatorAddress = EthereumAddress.FromPrivateKey(s_deployer).ToLowerHexString(),
                            KmsContract = kms.ToLowerHexString(),
                            Confirmations = 0,
                        },
                        Registry = new { TrustAttestedProxy = true },
                    },
                },
            }));
            var launch = new SiloLaunchContext(["--dev", "--urls", "http://127.0.0.1:0", "--silo-port", "0", "--gateway-port", "0"], new Dictionary<string, string>(), directory, directory);
            app = KmsSiloHost.Build(launch, SiloCommandLine.Parse(launch.Args), TextWriter.Null, builder => builder.Logging.ClearProviders());
            await app.StartAsync(cancellationToken);
            var baseAddress = new Uri(app.Urls.First());
            await WaitForClusterAsync(baseAddress, cancellationToken);

            string measurements = "{" + string.Join(",", registers.Select((r, i) => $"\"{i}\":\"{Convert.ToHexStringLower(r)}\"")) + "}";
            string path = "/api/attested/secrets/" + Convert.ToHexStringLower(registry.Bytes);
            byte[][] csrs = Enumerable.Range(0, connections).Select(_ => Csr(registry)).ToArray();
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false, UseProxy = false })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"registry-load: POST {path} (trusted proxy), {connections} connections, in-process dev silo + anvil, {Environment.ProcessorCount} cores, load average {LoadAverage.Read()}"));
            await LoopAsync(client, path, measurements, csrs, warmup, null, cancellationToken);
            var samples = new List<long>[connections];
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await LoopAsync(client, path, measurements, csrs, duration, samples, cancellationToken);
            TimeSpan elapsed = clock.Elapsed;
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            LatencySummary summary = LatencySummary.Of("secrets (200)", samples.SelectMany(s => s), elapsed);
            Console.WriteLine(summary);

            // CPU per request (silo and load generator share this process) is steadier than req/s on a shared machine.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"process CPU: {cpu.TotalMilliseconds / summary.Count:F2} ms per request ({cpu.TotalSeconds:F1} s over {elapsed.TotalSeconds:F1} s)"));
            (double sign, double verify) = OpenSslSpeed();
            double pairs = 1 / ((1 / sign) + (1 / verify));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"openssl speed ecdsap256 (1 core): sign {sign:N0}/s, verify {verify:N0}/s -> one verify + one sign {pairs:N0}/s; registry/openssl = {summary.PerSecond / pairs:F2} (targets: >= 3,000 req/s, p99 <= 25 ms)"));
            PrintComponents(csrs[0]);
            Console.WriteLine($"load average after: {LoadAverage.Read()}");
            return 0;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            if (!anvil.HasExited)
            {
                anvil.Kill(entireProcessTree: true);
                anvil.WaitForExit(5000);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task LoopAsync(HttpClient client, string path, string measurements, byte[][] csrs, TimeSpan duration, List<long>[]? samples, CancellationToken cancellationToken)
    {
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(csrs.Select((csr, index) => Task.Run(async () =>
        {
            var mine = new List<long>(100_000);
            if (samples is not null)
            {
                samples[index] = mine;
            }

            while (Stopwatch.GetTimestamp() < end)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(csr) };
                request.Headers.TryAddWithoutValidation("X-Flashbots-Attestation-Type", "qemu-tdx");
                request.Headers.TryAddWithoutValidation("X-Flashbots-Measurement", measurements);
                long start = Stopwatch.GetTimestamp();
                using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }

                mine.Add(Stopwatch.GetTimestamp() - start);
            }
        }, cancellationToken)));
    }

    /// <summary>The per-request cryptography on one thread (CPU µs): what the silo cannot avoid for one request.</summary>
    private static void PrintComponents(byte[] csrPem)
    {
        string pem = Encoding.ASCII.GetString(csrPem);
        ParsedCertificateRequest csr = CertificateRequestParser.ParsePem(pem);
        using NamespaceCertificateAuthority ca = NamespaceCertificateAuthority.Create(
            RandomNumberGenerator.GetBytes(32), new NamespaceCaOptions { Subject = new X500DistinguishedName("CN=bench"), NotBefore = DateTimeOffset.UtcNow.AddDays(-1) });
        LeafCertificatePolicy policy = LeafCertificatePolicy.GoAppCommonName with { Validity = TimeSpan.FromDays(1) };
        using var devKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var measurements = new Dictionary<string, byte[]> { ["mrtd"] = new byte[48], ["rtmr0"] = new byte[48] };
        byte[] reportData = new byte[64];
        (string Name, Func<object> Run)[] components =
        [
            ("CSR parse + self-signature check", () => CertificateRequestParser.ParsePem(pem)),
            ("operator signature recovery (secp256k1)", () => CsrOperatorSignature.RecoverOperator(csr)!),
            ("leaf certificate issue (P-256 sign)", () => ca.IssueLeaf(csr, policy, DateTimeOffset.UtcNow)),
            ("KMS dev evidence (P-256 sign)", () => Kms.Attestation.Dev.DevEvidence.Create(devKey, measurements, reportData)),
        ];
        double total = 0;
        foreach ((string name, Func<object> run) in components)
        {
            double micros = ThreadCpuTimer.Measure(run, 1);
            total += micros;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  component: {name,-42} {micros,8:F1} CPU µs"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  components together: {total:F1} CPU µs a request"));
    }

    /// <summary>An instance CSR (CN &lt;hex&gt;.app) carrying the operator signature of anvil account 1.</summary>
    private static byte[] Csr(EthereumAddress registry)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] digest = SHA256.HashData(GoPem.Encode("PUBLIC KEY", key.ExportSubjectPublicKeyInfo()));
        byte[] signature = Secp256k1.Sign(digest, s_instanceOperator).ToRecoverableBytes();
        var request = new CertificateRequest("CN=" + Convert.ToHexStringLower(registry.Bytes) + ".app", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(OperatorSignature.ExtensionOid, signature, critical: false));
        return Encoding.ASCII.GetBytes(request.CreateSigningRequestPem());
    }

    /// <summary>Signatures and verifications per second of <c>openssl speed -seconds 3 ecdsap256</c> (one core).</summary>
    private static (double Sign, double Verify) OpenSslSpeed()
    {
        using Process process = Process.Start(new ProcessStartInfo("openssl", ["speed", "-seconds", "3", "ecdsap256"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        string line = output.Split('\n').Last(l => l.Contains("ecdsa (nistp256)", StringComparison.Ordinal));
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (double.Parse(fields[^2], CultureInfo.InvariantCulture), double.Parse(fields[^1], CultureInfo.InvariantCulture));
    }

    private static async Task WaitForNodeAsync(EthJsonRpcClient rpc, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await rpc.GetChainIdAsync(cancellationToken);
                return;
            }
            catch (JsonRpcTransportException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static async Task WaitForClusterAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await client.GetStringAsync("/v1/cluster", cancellationToken)).Contains("\"active\"", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The silo has no active cluster after 60 s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.Kms.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
