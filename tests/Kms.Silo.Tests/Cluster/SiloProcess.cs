using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Kms.Silo.Tests.Cluster;

/// <summary>A real <c>kms-silo</c> process: started with arguments, its output kept, signalled like an operator (or
/// a failure) would.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The API address the silo logged (after <see cref="WaitUntilReadyAsync"/>).</summary>
    public Uri? ApiAddress { get; private set; }

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

    public static SiloProcess Start(string name, string workingDirectory, IEnumerable<string> args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "kms-silo.dll");
        var start = new ProcessStartInfo(DotnetHost(), [dll, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Terse logs keep the captured output small; warnings and errors still show.
        start.Environment["KMS_Logging__LogLevel__Default"] = "Warning";
        start.Environment["KMS_Logging__LogLevel__Kms.Silo"] = "Information";
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until the silo logged its API address and answers <c>/readyz</c> with 200.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (clock.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            ApiAddress ??= ListenAddress().Match(Output) is { Success: true } match ? new Uri(match.Groups[1].Value) : null;
            if (ApiAddress is not null)
            {
                try
                {
                    using HttpResponseMessage response = await http.GetAsync(new Uri(ApiAddress, "/readyz"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // not listening yet
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not ready within {limit}:\n{Output}");
    }

    /// <summary>Sends a POSIX signal (KILL, STOP, CONT, TERM).</summary>
    public async Task SignalAsync(string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {Name} failed with {kill.ExitCode}.");
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SignalAsync("CONT"); // a frozen process cannot act on anything else
            }
            catch (InvalidOperationException)
            {
                // it exited in between
            }

            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [GeneratedRegex(@"KMS API listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListenAddress();
}
