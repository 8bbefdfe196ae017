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
            double micros = Measure(verify, seconds);
            double ratio = micros / reference;
            allMet &= ratio <= target;
            Console.WriteLine($"{name,-36} {micros,9:F1} {referenceName,16} {ratio,7:F2} {"≤" + target.ToString("F1", CultureInfo.InvariantCulture),7}{(ratio <= target ? "" : "  (above target)")}");
        }

        // RS256 itself hashes the whole signing input; openssl speed's RSA figure covers only the 32-byte digest.
        double sha256 = await OpenSslSpeed.MeasureSha256Async(targets.MaaSigningInputLength, (int)Math.Ceiling(seconds));
        double rs256 = openssl.Rsa2048VerifyMicroseconds + sha256;
        Console.WriteLine($"MAA token against RS256 over its {targets.MaaSigningInputLength}-byte signing input (openssl SHA-256 {sha256:F1} µs + RSA-2048 verify): {rs256:F1} µs, ratio {Measure(targets.VerifyMaa, seconds) / rs256:F2}");

        Console.WriteLine();
        foreach ((string name, Func<object> run) in targets.Components())
        {
            Console.WriteLine($"  component: {name,-50} {Measure(run, seconds / 2),9:F1} CPU µs");
        }

        Console.WriteLine();
        Console.WriteLine($"load average after: {LoadAverage.Read()}");
        return allMet ? 0 : 1;
    }

    /// <summary>
    /// Median over 5 rounds of the CPU time per call of this thread (user + system), after a warm-up. CPU time, like
    /// `openssl speed` (which reports user CPU time unless -elapsed is given), so that a busy machine stretches neither.
    /// </summary>
    private static double Measure(Func<object> verify, double seconds)
    {
        // Warm-up long enough for tiered JIT to reach its optimized code (tier 0 → tier 1 takes ~100 ms after 30 calls).
        long warmUp = ThreadCpuNanoseconds();
        while (ThreadCpuNanoseconds() - warmUp < 500_000_000)
        {
            GC.KeepAlive(verify());
        }

        double[] rounds = new double[5];
        for (int r = 0; r < rounds.Length; r++)
        {
            long calls = 0;
            long start = ThreadCpuNanoseconds();
            long budget = (long)(seconds / rounds.Length * 1e9);
            while (ThreadCpuNanoseconds() - start < budget)
            {
                for (int i = 0; i < 16; i++)
                {
                    GC.KeepAlive(verify());
                }

                calls += 16;
            }

            rounds[r] = (ThreadCpuNanoseconds() - start) / 1e3 / calls;
        }

        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
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
