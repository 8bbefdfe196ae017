using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Kms.Crypto.Release;
using Kms.Tests.Shared;
using Xunit.Abstractions;

namespace Kms.Cluster.Tests;

/// <summary>
/// Who may join: a silo whose certificate the cluster CA did not issue never becomes a member; a silo with a
/// certificate from the cluster CA joins, asks to be onboarded, and holds no share while nobody approved it.
/// </summary>
[Collection(FaultClusterCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JoinTests(FaultCluster cluster, ITestOutputHelper output)
{
    [RequiresPostgresFact]
    public async Task OnlyACertificateFromTheClusterCaJoins_AndAnUnapprovedSiloHoldsNoShare()
    {
        await cluster.EnsureHealthyAsync();
        LocalClusterScript script = cluster.Script;

        // A certificate from the cluster CA (the script's openssl CA), and one from a CA of its own.
        ScriptResult issued = await script.RunAsync(TimeSpan.FromSeconds(30), "issue-cert", "silo-8");
        Assert.True(issued.ExitCode == 0, issued.Output);
        (string rogueCertificate, string rogueKey) = await ForeignCertificateAsync("silo-9");

        await using ExtraSilo approvedCa = ExtraSilo.Start(script, "silo-8",
            Path.Combine(script.TlsDirectory, "silo-8.pem"), Path.Combine(script.TlsDirectory, "silo-8.key"), "--request-onboarding");
        await using ExtraSilo rogue = ExtraSilo.Start(script, "silo-9", rogueCertificate, rogueKey);

        var clock = Stopwatch.StartNew();
        await approvedCa.WaitUntilReadyAsync(TimeSpan.FromSeconds(150));
        output.WriteLine($"silo-8 (cluster CA certificate) ready after {clock.Elapsed.TotalSeconds:F1} s");
        TimeSpan rogueWait = TimeSpan.FromSeconds(20);
        bool rogueReady = await rogue.BecomesReadyWithinAsync(rogueWait);
        output.WriteLine($"silo-9 (foreign certificate): ready={rogueReady}, exited={rogue.HasExited} after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.False(rogueReady, "a silo with a certificate from another CA joined:\n" + rogue.Output);

        // silo-8 is a member that serves requests, but it asked to join the committee and nobody approved: no share.
        string nonceFile = Path.Combine(approvedCa.DataDirectory, "onboarding-nonce");
        string hash = "";
        var waited = Stopwatch.StartNew();
        (int Status, string Body)? request = null;
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (File.Exists(nonceFile))
            {
                hash = Convert.ToHexStringLower(OnboardingBinding.RequestHash("silo-8", File.ReadAllBytes(nonceFile)));
                request = await cluster.Workload.GetAsync(0, $"/v1/onboarding/{hash}", CancellationToken.None);
                if (request is (200, _))
                {
                    break;
                }
            }

            await Task.Delay(500);
        }

        Assert.True(request is (200, _), $"silo-8's onboarding request was not found: {request}\n{approvedCa.Output}");
        JsonElement onboarding = JsonDocument.Parse(request!.Value.Body).RootElement;
        Assert.NotEqual("joined", onboarding.GetProperty("state").GetString());
        output.WriteLine($"silo-8 onboarding request {hash}: {onboarding.GetProperty("state").GetString()}");

        string status = (await cluster.Workload.GetAsync(0, "/v1/cluster", CancellationToken.None))!.Value.Body;
        JsonElement committee = JsonDocument.Parse(status).RootElement.GetProperty("committee");
        Assert.Equal(["silo-1", "silo-2", "silo-3"], committee.EnumerateArray().Select(member => member.GetProperty("silo").GetString()).Order());

        // It still serves workloads through the committee's shares.
        using var throughNewSilo = new ClusterWorkload([approvedCa.ApiAddress], script.DevEvidenceKeyFile, script.AdminKeyFile, "faults", FaultCluster.RequestTimeout);
        (CallResult result, byte[]? key) = await throughNewSilo.ReleaseAsync(0, CancellationToken.None);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(cluster.ReferenceKey, key);
    }

    private async Task<(string Certificate, string Key)> ForeignCertificateAsync(string name)
    {
        string directory = Path.Combine(cluster.Script.StateDirectory, "foreign-ca");
        Directory.CreateDirectory(directory);
        string script = $"""
            set -e
            cd '{directory}'
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
            openssl req -x509 -new -key ca.key -sha256 -days 1 -subj '/CN=Orleans.Kms local cluster CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -out ca.pem
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {name}.key
            chmod 600 {name}.key
            openssl req -new -key {name}.key -subj '/CN={name}' -out {name}.csr
            printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:{name},IP:127.0.0.1\n' > {name}.ext
            openssl x509 -req -in {name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -sha256 -extfile {name}.ext -out {name}.pem
            """;
        using Process openssl = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string errors = await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.True(openssl.ExitCode == 0, errors);
        return (Path.Combine(directory, name + ".pem"), Path.Combine(directory, name + ".key"));
    }
}

/// <summary>A silo beyond the script's, started like the script starts them (same store, CA, keys) but with the
/// certificate and extra arguments a test gives.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ExtraSilo : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExtraSilo(Process process, Uri apiAddress, string dataDirectory)
    {
        _process = process;
        ApiAddress = apiAddress;
        DataDirectory = dataDirectory;
    }

    public Uri ApiAddress { get; }

    public string DataDirectory { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ExtraSilo Start(LocalClusterScript script, string name, string certificate, string key, params string[] extra)
    {
        Dictionary<string, string> env = File.ReadAllLines(Path.Combine(script.StateDirectory, "cluster.env"))
            .Select(line => line.Split('=', 2)).Where(parts => parts.Length == 2).ToDictionary(parts => parts[0], parts => parts[1]);
        string dataDirectory = Path.Combine(script.StateDirectory, name, "data");
        Directory.CreateDirectory(dataDirectory);
        int apiPort = FreePort();
        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "kms-silo.dll"),
            "--urls", $"http://127.0.0.1:{apiPort}", "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture), "--gateway-port", "0",
            "--advertised-address", "127.0.0.1", "--store", "Postgres", "--cluster-id", env["CLUSTER_ID"], "--silo-name", name,
            "--data-dir", dataDirectory, "--storage-key-file", Path.Combine(script.StateDirectory, "secrets", "storage.key"),
            "--tls-cert", certificate, "--tls-key", key, "--tls-ca", Path.Combine(script.TlsDirectory, "cluster-ca.pem"),
            "--insecure-dev-evidence-key", script.DevEvidenceKeyFile, .. extra,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["KMS_Silo__Store__Postgres__ConnectionString"] =
            $"Host=127.0.0.1;Port={env["POSTGRES_PORT"]};Database=kms;Username=postgres;Timeout=5";
        start.Environment["KMS_Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start };
        var silo = new ExtraSilo(process, new Uri($"http://127.0.0.1:{apiPort}/"), dataDirectory);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        if (!await BecomesReadyWithinAsync(limit))
        {
            throw new TimeoutException($"not ready within {limit} (exited: {HasExited}):\n{Output}");
        }
    }

    public async Task<bool> BecomesReadyWithinAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit && !_process.HasExited)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri(ApiAddress, "/readyz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // killed; gone soon
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
