using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Kms.Silo.Tests;

/// <summary>The real <c>kms-silo</c> executable, started as a separate process.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task DevSilo_Process_BecomesReady_PrintsBanner_AndExitsZeroOnSigterm()
    {
        using var directory = new TempDirectory();
        string dll = Path.Combine(AppContext.BaseDirectory, "kms-silo.dll");
        Assert.True(File.Exists(dll), $"{dll} is built next to the tests");

        var start = new ProcessStartInfo(DotnetHost(), [dll, "--dev", "--urls", "http://127.0.0.1:0", "--data-dir", "state", "--silo-port", "0"])
        {
            WorkingDirectory = directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Port 0 lets the OS pick a port nobody else holds; the silo logs the one it got.
            Uri baseAddress = await WaitForListenAddressAsync(process, output, TimeSpan.FromSeconds(45));
            using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
            string readyBody = await PollUntilReadyAsync(client, process, output, TimeSpan.FromSeconds(30));
            Assert.Equal("""{"status":"ready"}""", readyBody);
            Assert.True(File.Exists(Path.Combine(directory.Path, "state", KmsSiloOptions.DevStorageKeyFileName)));

            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var exitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exitTimeout.Token);
            Assert.Equal(0, process.ExitCode);
            lock (output)
            {
                Assert.Contains(DevModeBanner.Headline, output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<Uri> WaitForListenAddressAsync(Process process, StringBuilder output, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            lock (output)
            {
                Match match = Regex.Match(output.ToString(), @"KMS API listening on: (http://127\.0\.0\.1:\d+)");
                if (match.Success)
                {
                    return new Uri(match.Groups[1].Value);
                }

                if (process.HasExited)
                {
                    Assert.Fail($"kms-silo exited with {process.ExitCode} before listening:\n{output}");
                }
            }

            await Task.Delay(50);
        }

        lock (output)
        {
            Assert.Fail($"kms-silo did not log its listen address within {limit}:\n{output}");
        }

        throw new UnreachableException();
    }

    private static async Task<string> PollUntilReadyAsync(
        HttpClient client, Process process, StringBuilder output, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (process.HasExited)
            {
                lock (output)
                {
                    Assert.Fail($"kms-silo exited with {process.ExitCode} before it was ready:\n{output}");
                }
            }

            try
            {
                using HttpResponseMessage response = await client.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsStringAsync();
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        lock (output)
        {
            Assert.Fail($"kms-silo was not ready within {limit}:\n{output}");
        }

        throw new UnreachableException();
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

}
