using System.Diagnostics;

namespace Kms.Crypto.Tests.Rsa;

/// <summary>Runs the openssl CLI (an independent implementation) in a private temporary directory.</summary>
internal sealed class OpenSslCli : IDisposable
{
    public OpenSslCli()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kms-openssl-").FullName;
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Write(string name, byte[] content)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Write(string name, string content)
    {
        string path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs openssl and returns (exit code, stdout, stderr).</summary>
    public (int ExitCode, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A private config file keeps the results independent of the machine's openssl.cnf defaults.
        start.Environment["OPENSSL_CONF"] = Write("openssl.cnf", "[req]\ndistinguished_name = dn\n[dn]\n");
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("openssl did not finish within 60 s.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs openssl and fails the test with its stderr when it does not exit with 0.</summary>
    public string RunChecked(params string[] arguments)
    {
        (int exitCode, string output, string error) = Run(arguments);
        Assert.True(exitCode == 0, $"openssl {string.Join(' ', arguments)} failed ({exitCode}): {error}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A fact that needs the openssl CLI: skipped when it is not on PATH, except with CI=true, where it runs and fails.</summary>
public sealed class RequiresOpenSslFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when openssl is missing outside CI.</summary>
    public RequiresOpenSslFactAttribute()
    {
        if (!Kms.Tests.Shared.FoundryTools.IsCi && !Kms.Tests.Shared.FoundryTools.IsOnPath("openssl"))
        {
            Skip = "openssl not found on PATH (apt-get install openssl). With CI=true this test fails instead.";
        }
    }
}
