using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kms.Benchmarks.Release;

namespace Kms.Benchmarks.Attestation;

/// <summary>
/// `attestation-floor`: the cost of a cached verification of each evidence type as a ratio to the signature check it
/// cannot avoid, with that signature check measured by `openssl speed` in the same run (on the same, possibly shared,
/// machine, so the ratios are comparable where absolute times are not). Needs KMS_TESTDATA.
/// Run: dotnet run -c Release --project bench/Kms.Benchmarks -- attestation-floor [--seconds N]
/// </summary>
internal static class AttestationFloor
{
    private const string Command = "attestation-floor";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Command;

    public static async Task<int> RunAsync(string[] args)
    {
        double seconds = args.Length > 2 && args[1] == "--seconds" ? double.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        string root = Environment.GetEnvironmentVariable("KMS_TESTDATA")
            ?? throw new InvalidOperationException("Set KMS_TESTDATA to the shared testdata folder.");
        Console.WriteLine($"load average before: {LoadAverage.Read()}");

        OpenSslSpeed openssl = await OpenSslSpeed.MeasureAsync((int)Math.Ceiling(seconds));
        Console.WriteLine($"openssl speed (user CPU time): P-256 verify {openssl.P256VerifyMicroseconds:F1} µs, P-384 verify {openssl.P384VerifyMicroseconds:F1} µs, RSA-2048 verify {openssl.Rsa2048VerifyMicroseconds:F1} µs");

        using FloorTargets targets = await FloorTargets.CreateAsync(root);
        var rows = new (string Name, Func<object> Verify, double Reference, string ReferenceName, double Target)[]
        {
            ("TDX v4 quote (cached platform)", targets.VerifyTdx, openssl.P256VerifyMicroseconds, "P-256 verify", 1.5),
            ("SGX v3 quote (cached platform)", targets.VerifySgx, openssl.P256VerifyMicroseconds, "P-256 verify", 1.5),
            ("SEV-SNP report (cached VCEK chain)", targets.VerifySnp, openssl.P384VerifyMicroseconds, "P-384 verify", 1.2),
            ("MAA token (parsed JWKS)", targets.VerifyMaa, openssl.Rsa2048VerifyMicroseconds, "RSA-2048 verify", 2.0),
        };

        Console.WriteLine();
        Console.WriteLine($"{"verification",-36} {"CPU µs/op",9} {"reference",16} {"ratio",7} {"target",7}");
        bool allMet = true;
        foreach ((string name, Func<object> verify, double reference, string referenceName, double target) in rows)
        {
            double micros = ThreadCpuTimer.Measure(verify, seconds);
            double ratio = micros / reference;
            allMet &= ratio <= target;
            Console.WriteLine($"{name,-36} {micros,9:F1} {referenceName,16} {ratio,7:F2} {"≤" + target.ToString("F1", CultureInfo.InvariantCulture),7}{(ratio <= target ? "" : "  (above target)")}");
        }

        // RS256 itself hashes the whole signing input; openssl speed's RSA figure covers only the 32-byte digest.
        double sha256 = await OpenSslSpeed.MeasureSha256Async(targets.MaaSigningInputLength, (int)Math.Ceiling(seconds));
        double rs256 = openssl.Rsa2048VerifyMicroseconds + sha256;
        Console.WriteLine($"MAA token against RS256 over its {targets.MaaSigningInputLength}-byte signing input (openssl SHA-256 {sha256:F1} µs + RSA-2048 verify): {rs256:F1} µs, ratio {ThreadCpuTimer.Measure(targets.VerifyMaa, seconds) / rs256:F2}");

        Console.WriteLine();
        foreach ((string name, Func<object> run) in targets.Components())
        {
            Console.WriteLine($"  component: {name,-50} {ThreadCpuTimer.Measure(run, seconds / 2),9:F1} CPU µs");
        }

        Console.WriteLine();
        Console.WriteLine($"load average after: {LoadAverage.Read()}");
        return allMet ? 0 : 1;
    }
}

/// <summary>`openssl speed -mr` for ECDSA P-256, P-384 and RSA-2048: microseconds per verification.</summary>
internal sealed record OpenSslSpeed(double P256VerifyMicroseconds, double P384VerifyMicroseconds, double Rsa2048VerifyMicroseconds)
{
    public static async Task<OpenSslSpeed> MeasureAsync(int seconds)
    {
        string output = await RunAsync($"speed -mr -seconds {seconds} ecdsap256 ecdsap384 rsa2048");
        double p256 = 0, p384 = 0, rsa = 0;
        foreach (string line in output.Split('\n'))
        {
            // +F4:<index>:<bits>:<signs/s>:<verifies/s> (ECDSA); +F2:<index>:<bits>:<signs/s>:<verifies/s> (RSA).
            string[] f = line.Trim().Split(':');
            if (f.Length == 5 && f[0] is "+F4" or "+F2")
            {
                double perVerify = 1e6 / double.Parse(f[4], CultureInfo.InvariantCulture);
                switch ((f[0], f[2]))
                {
                    case ("+F4", "256"): p256 = perVerify; break;
                    case ("+F4", "384"): p384 = perVerify; break;
                    case ("+F2", "2048"): rsa = perVerify; break;
                }
            }
        }

        return p256 > 0 && p384 > 0 && rsa > 0 ? new OpenSslSpeed(p256, p384, rsa) : throw new InvalidOperationException("Unexpected openssl speed output:\n" + output);
    }

    /// <summary>`openssl speed -evp sha256` at one input length: microseconds per hash of <paramref name="bytes"/> bytes.</summary>
    public static async Task<double> MeasureSha256Async(int bytes, int seconds)
    {
        string output = await RunAsync($"speed -mr -seconds {seconds} -bytes {bytes} -evp sha256");
        foreach (string line in output.Split('\n'))
        {
            // +F:<index>:sha256:<bytes/s>
            string[] f = line.Trim().Split(':');
            if (f.Length == 4 && f[0] == "+F" && f[2] == "sha256")
            {
                return bytes / double.Parse(f[3], CultureInfo.InvariantCulture) * 1e6;
            }
        }

        throw new InvalidOperationException("Unexpected openssl speed output:\n" + output);
    }

    private static async Task<string> RunAsync(string arguments)
    {
        ProcessStartInfo start = new("openssl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return stdout + Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(await stderr));
    }
}
