using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kms.Tests.Shared;

/// <summary>
/// A real <c>kms-silo --dev</c> process (the built kms-silo.dll next to the test binaries) with its data directory in a
/// fresh temp folder and its API on a free loopback port; ready once its 1-of-1 dev cluster is active. Linked into the
/// client and CLI test projects, which reference src/Silo so that the dll is there.
/// </summary>
internal sealed class DevSiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DevSiloProcess(Process process, string root, Uri apiAddress)
    {
        _process = process;
        Root = root;
        ApiAddress = apiAddress;
    }

    /// <summary>The temp folder the silo runs in (its working directory).</summary>
    public string Root { get; }

    /// <summary>The silo's data directory (dev-admin.key, dev-evidence.key).</summary>
    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>The API base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri ApiAddress { get; }

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

    public static async Task<DevSiloProcess> StartAsync()
    {
        string root = Directory.CreateTempSubdirectory("kms-dev-silo-").FullName;
        int port = FreePort();
        var start = new ProcessStartInfo(DotnetHost(),
            [Path.Combine(AppContext.BaseDirectory, "kms-silo.dll"), "--dev", "--data-dir", "data", "--urls", $"http://127.0.0.1:{port}", "--silo-port", "0", "--gateway-port", "0"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["KMS_Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start };
        var silo = new DevSiloProcess(process, root, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitForClusterAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>A loopback port nothing listens on (a dead silo address).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
                // it is killed; the temp folder may stay behind
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // the temp folder is cleaned eventually
        }
    }

    private async Task WaitForClusterAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kms-silo --dev exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                string status = await http.GetStringAsync(new Uri(ApiAddress, "v1/cluster"));
                if (status.Contains("\"active\"", StringComparison.Ordinal) && File.Exists(Path.Combine(DataDirectory, "dev-evidence.key")))
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"kms-silo --dev did not initialise its cluster within {limit}:\n{Output}");
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

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

/// <summary>One dev silo shared by the tests of a collection.</summary>
public sealed class DevSiloFixture : IAsyncLifetime
{
    private DevSiloProcess? _silo;

    internal DevSiloProcess Silo => _silo ?? throw new InvalidOperationException("The dev silo has not started.");

    public async Task InitializeAsync() => _silo = await DevSiloProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
