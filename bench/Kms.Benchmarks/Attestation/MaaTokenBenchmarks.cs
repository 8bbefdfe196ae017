using BenchmarkDotNet.Attributes;
using Kms.Attestation.Azure;

namespace Kms.Benchmarks.Attestation;

/// <summary>
/// Azure Attestation token verification with the issuer's JWKS already parsed: JWT parse, RS256 verification,
/// lifetime and isolation-TEE claim checks. Needs KMS_TESTDATA (the shared real-evidence corpus).
/// </summary>
[MemoryDiagnoser]
public class MaaTokenBenchmarks
{
    private string _token = string.Empty;
    private MaaSigningKeys _keys = null!;
    private MaaTokenVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = Environment.GetEnvironmentVariable("KMS_TESTDATA")
            ?? throw new InvalidOperationException("Set KMS_TESTDATA to the shared testdata folder.");
        _token = File.ReadAllText(Path.Combine(root, "attestation/maa/jesserc_sharedeus2_sevsnpvm_2025-01-12_EXTRACTED.jwt")).Trim();
        _keys = MaaSigningKeys.Parse(File.ReadAllText(Path.Combine(root, "attestation/maa/jwks_DERIVED_from_secretnetwork_KNOWN_JWT_KEYS.json")));
        _verifier = new MaaTokenVerifier(
            new MaaTokenOptions { AllowedIssuers = ["https://sharedeus2.eus2.attest.azure.net"] },
            new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1736697400 + 3600)));
        _verifier.Verify(_token, _keys);
    }

    [Benchmark]
    public MaaToken VerifyToken() => _verifier.Verify(_token, _keys);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
