using System.Security.Cryptography;
using Kms.Attestation.Dev;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;
using Kms.Grains.Onboarding;
using Kms.Grains.Release;
using Kms.Grains.Tests.Cluster;

namespace Kms.Grains.Tests.Onboarding;

/// <summary>A silo asking to join, with dev evidence whose report data binds its name and nonce.</summary>
internal sealed class JoiningSilo(string name, string image = "kms-silo-v1")
{
    public string Name { get; } = name;

    public byte[] Nonce { get; } = RandomNumberGenerator.GetBytes(32);

    public Dictionary<string, byte[]> Measurements { get; } = new()
    {
        ["rtmr0"] = SHA384.HashData(System.Text.Encoding.UTF8.GetBytes(image)),
        ["rtmr1"] = new byte[48],
    };

    public string Identity => MeasurementIdentity.Compute(new VerifiedWorkload(
        "dev", "dev", true, "NotApplicable", [], Measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)), []));

    public string Hash => Convert.ToHexStringLower(OnboardingBinding.RequestHash(Name, Nonce));

    /// <summary>The request; <paramref name="reportData"/> replaces the binding the evidence should carry.</summary>
    public OnboardingRequest Request(byte[]? reportData = null) => new(
        Name,
        Nonce,
        new EvidenceSubmission("dev", DevEvidence.Create(KmsTestCluster.DevEvidenceKey, Measurements, reportData ?? OnboardingBinding.ReportData(Name, Nonce))));

    public IOnboardingRequestGrain Grain(IGrainFactory grains) => grains.GetGrain<IOnboardingRequestGrain>(Hash);
}
