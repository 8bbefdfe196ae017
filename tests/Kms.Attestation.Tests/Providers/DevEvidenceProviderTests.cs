using System.Security.Cryptography;
using Kms.Attestation.Dev;
using Kms.Attestation.Providers;

namespace Kms.Attestation.Tests.Providers;

public sealed class DevEvidenceProviderTests
{
    private static readonly Dictionary<string, byte[]> s_measurements = new()
    {
        ["rtmr0"] = Enumerable.Repeat((byte)0x01, 48).ToArray(),
    };

    [Fact]
    public async Task Evidence_binds_the_report_data_and_verifies_only_under_its_key()
    {
        using ECDsa verifierKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var provider = new DevEvidenceProvider(ECDsa.Create(verifierKey.ExportParameters(includePrivateParameters: true)), s_measurements);
        DevEvidenceVerifier verifier = DevEvidenceVerifier.Create(DevModeAcknowledgement.FromDevFlag(true), verifierKey.ExportSubjectPublicKeyInfo());
        byte[] reportData = SHA256.HashData("bound"u8);

        byte[] evidence = await provider.GetEvidenceAsync(reportData);

        Assert.Equal("dev", provider.EvidenceType);
        VerifiedEvidence verified = await verifier.VerifyAsync(evidence, reportData);
        Assert.Equal(reportData, verified.ReportData.ToArray());
        await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(evidence, SHA256.HashData("other"u8)));

        using ECDsa stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DevEvidenceVerifier strangerVerifier = DevEvidenceVerifier.Create(DevModeAcknowledgement.FromDevFlag(true), stranger.ExportSubjectPublicKeyInfo());
        await Assert.ThrowsAsync<AttestationException>(async () => await strangerVerifier.VerifyAsync(evidence, reportData));
    }

    [Fact]
    public async Task Refuses_empty_or_oversized_report_data_and_honours_cancellation()
    {
        using var provider = new DevEvidenceProvider(ECDsa.Create(ECCurve.NamedCurves.nistP256), s_measurements);

        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetEvidenceAsync(Array.Empty<byte>()));
        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetEvidenceAsync(new byte[65]));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetEvidenceAsync(new byte[32], new CancellationToken(canceled: true)));
    }
}
