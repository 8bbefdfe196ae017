using System.Diagnostics;
using Kms.Tests.Shared;

namespace Kms.Cli.Tests;

/// <summary>README's 60-second walkthrough, run as written: a dev silo, <c>kms dev workload</c>, <c>openssl verify</c>.</summary>
public sealed class ReadmeWalkthroughTests
{
    [Fact]
    public async Task DevSilo_KmsDevWorkload_WritesACertificateThatOpensslVerifies()
    {
        await using DevSiloProcess silo = await DevSiloProcess.StartAsync();
        string output = Path.Combine(silo.Root, "workload");

        // The silo's working directory is its parent of ./data, as with `dotnet run --project src/Silo -- --dev`.
        CliResult workload = await CliRunner.RunProcessAsync(silo.Root, "--url", silo.ApiAddress.ToString(), "dev", "workload", "--out", output);

        Assert.True(workload.ExitCode == 0, workload.ToString());
        Assert.Contains("openssl verify -CAfile", workload.StdOut, StringComparison.Ordinal);
        CliResult verify = await CliRunner.RunAsync(new ProcessStartInfo("openssl",
            ["verify", "-CAfile", Path.Combine(output, "ca.crt"), Path.Combine(output, "workload.crt")]));
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal($"{Path.Combine(output, "workload.crt")}: OK", verify.StdOut.Trim());

        // The private key is the certificate's, and stays readable by its owner only.
        CliResult match = await CliRunner.RunAsync(new ProcessStartInfo("openssl", ["x509", "-noout", "-pubkey", "-in", Path.Combine(output, "workload.crt")]));
        CliResult keyPublic = await CliRunner.RunAsync(new ProcessStartInfo("openssl", ["pkey", "-pubout", "-in", Path.Combine(output, "workload.key")]));
        Assert.Equal(match.StdOut, keyPublic.StdOut);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(output, "workload.key")));
        }
        Assert.Equal(32, new FileInfo(Path.Combine(output, "disk.key")).Length);

        // Run again: the namespace and secret exist, the same image gets the same derived key.
        byte[] firstKey = File.ReadAllBytes(Path.Combine(output, "disk.key"));
        CliResult again = await CliRunner.RunProcessAsync(silo.Root, "--url", silo.ApiAddress.ToString(), "dev", "workload", "--out", output, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(firstKey, File.ReadAllBytes(Path.Combine(output, "disk.key")));
    }
}
