using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kms.Tests.Shared;

/// <summary>
/// A cluster started by <c>infra/local/cluster.sh up</c> (real <c>kms-silo</c> processes, store, anvil) in a temp
/// state directory, with the test binaries' kms-silo.dll and kms.dll; stopped with <c>down --purge</c> on dispose.
/// Every script run is bounded in time. Linked into the test projects that run whole local clusters.
/// </summary>
internal sealed class LocalClusterScript : IAsyncDisposable
{
    private static readonly TimeSpan s_upLimit = TimeSpan.FromMinutes(5);

    private LocalClusterScript(string stateDirectory, int basePort, int silos)
    {
        StateDirectory = stateDirectory;
        BasePort = basePort;
        SiloNames = Enumerable.Range(1, silos).Select(i => "silo-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>infra/local/cluster.sh of this checkout, or null outside one.</summary>
    public static string? ScriptPath { get; } =
        FoundryTools.RepositoryRoot is { } root && File.Exists(Path.Combine(root, "infra", "local", "cluster.sh"))
            ? Path.Combine(root, "infra", "local", "cluster.sh")
            : null;

    public string StateDirectory { get; }

    public int BasePort { get; }

    public IReadOnlyList<string> SiloNames { get; }

    /// <summary>The dev admin key the script registered as admin <c>dev-admin</c> at init.</summary>
    public string AdminKeyFile => Path.Combine(StateDirectory, "dev", "dev-admin.key");

    /// <summary>The key that signs dev evidence the silos accept.</summary>
    public string DevEvidenceKeyFile => Path.Combine(StateDirectory, "dev", "dev-evidence.key");

    public string TlsDirectory => Path.Combine(StateDirectory, "tls");

    /// <summary>Runs <c>up</c> on a free block of ports (tried again on another block if one was taken meanwhile).</summary>
    public static async Task<LocalClusterScript> UpAsync(string store, int silos = 3)
    {
        string state = Directory.CreateTempSubdirectory("kms-local-cluster-").FullName;
        for (int attempt = 1; ; attempt++)
        {
            var cluster = new LocalClusterScript(state, FreePortBlock(), silos);
            ScriptResult up = await cluster.RunAsync(s_upLimit,
                "up", "--store", store, "--silos", silos.ToString(CultureInfo.InvariantCulture),
                "--base-port", cluster.BasePort.ToString(CultureInfo.InvariantCulture),
                "--silo-dll", Path.Combine(AppContext.BaseDirectory, "kms-silo.dll"),
                "--kms-dll", Path.Combine(AppContext.BaseDirectory, "kms.dll"));
            if (up.ExitCode == 0)
            {
                return cluster;
            }

            string logs = cluster.AllLogs();
            await cluster.DisposeAsync();
            if (attempt >= 2 || !up.Output.Contains("is in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"cluster.sh up failed ({up.ExitCode}):\n{up.Output}\n{logs}");
            }

            state = Directory.CreateTempSubdirectory("kms-local-cluster-").FullName;
        }
    }

    public Uri ApiAddress(string silo) =>
        new($"http://127.0.0.1:{BasePort + int.Parse(silo["silo-".Length..], CultureInfo.InvariantCulture)}/");

    public IReadOnlyList<Uri> ApiAddresses => SiloNames.Select(ApiAddress).ToArray();

    /// <summary>The pid the script recorded for <paramref name="component"/> (silo-N, anvil, azurite), or null.</summary>
    public int? Pid(string component)
    {
        string file = Path.Combine(StateDirectory, component, "pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    /// <summary>Whether the process exists and is not a zombie (killed, not reaped yet).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (name) S ...": the state follows the last ')'.
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>kill -9 of a silo, returning once its process is gone (bounded).</summary>
    public async Task KillAsync(string silo)
    {
        int pid = Pid(silo) ?? throw new InvalidOperationException($"{silo} has no pid file.");
        await SignalAsync(silo, "KILL");
        var clock = Stopwatch.StartNew();
        while (IsRunning(pid))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException($"{silo} (pid {pid}) still runs 15 s after SIGKILL.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends a POSIX signal (KILL, STOP, CONT, TERM) to a silo's process, as a failure or an operator would.</summary>
    public async Task SignalAsync(string silo, string signal)
    {
        int pid = Pid(silo) ?? throw new InvalidOperationException($"{silo} has no pid file.");
        using Process kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {silo} ({pid}) failed with {kill.ExitCode}.");
        }
    }

    public string Log(string silo)
    {
        string file = Path.Combine(StateDirectory, silo, "logs", "silo.log");
        return File.Exists(file) ? File.ReadAllText(file) : string.Empty;
    }

    public string AllLogs() =>
        string.Join("\n", SiloNames.Select(name => $"--- {name}:\n{Tail(Log(name))}"));

    /// <summary>Runs the script with <paramref name="args"/> (the state directory added), killed after <paramref name="limit"/>.</summary>
    public async Task<ScriptResult> RunAsync(TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [ScriptPath ?? throw new InvalidOperationException("infra/local/cluster.sh not found"), .. args, "--state-dir", StateDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cluster.sh {string.Join(' ', args)} did not finish within {limit}:\n{output}");
        }

        process.WaitForExit(); // drains the redirected streams
        lock (output)
        {
            return new ScriptResult(process.ExitCode, output.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(TimeSpan.FromMinutes(2), "down", "--purge");
        }
        catch (TimeoutException)
        {
            // the processes are killed with the script's process tree; the temp folder may stay behind
        }
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    /// <summary>A base port whose 65 successors are free now (the script checks them again).</summary>
    private static int FreePortBlock()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            // Below Linux's ephemeral range (32768+), where outgoing connections would take ports from under the cluster.
            int basePort = Random.Shared.Next(200, 320) * 100;
            if (Enumerable.Range(basePort + 1, 65).All(IsFree))
            {
                return basePort;
            }
        }

        throw new InvalidOperationException("No block of 65 free loopback ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>What a script run returned: its exit code and everything it wrote.</summary>
internal sealed record ScriptResult(int ExitCode, string Output);
