using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Azure;

namespace Kms.Attestation.Tests.Azure;

public sealed class MaaEvidenceVerifierTests
{
    [TestDataFact]
    public async Task Binds_the_client_payload_nonce()
    {
        string token = MaaTestTokens.Token("azure_cvmguestattestation_sharedweu_sevsnpvm_2023-03-30_EXTRACTED.jwt");
        var verifier = new MaaEvidenceVerifier(
            new MaaTokenOptions { AllowedIssuers = [MaaTestTokens.SharedWeu] },
            MaaTestTokens.ClockFor(token),
            new JwksCollateral(MaaTestTokens.WeuJwks));

        VerifiedEvidence evidence = await verifier.VerifyAsync(Encoding.UTF8.GetBytes(token), Encoding.ASCII.GetBytes("ADE0101"));

        Assert.Equal(TeeType.AzureSevSnp, evidence.Tee);
        Assert.Equal("ADE0101", Encoding.ASCII.GetString(evidence.ReportData.Span));
        Assert.Equal(MaaTestTokens.SharedWeu, evidence.Azure!.Issuer);
        Assert.Empty(evidence.Azure.Pcrs);
        Assert.Equal("sevsnpvm", evidence.PlatformIds["maa_tee_type"]);

        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(Encoding.UTF8.GetBytes(token), Encoding.ASCII.GetBytes("ADE0102")));
        Assert.Equal(AttestationFailureKind.ReportDataMismatch, e.Kind);
    }

    [TestDataFact]
    public async Task Binds_the_runtime_user_data()
    {
        string token = MaaTestTokens.Token("jesserc_sharedeus2_sevsnpvm_2025-01-12_EXTRACTED.jwt");
        var verifier = new MaaEvidenceVerifier(
            new MaaTokenOptions { AllowedIssuers = [MaaTestTokens.SharedEus2], ReportDataClaim = MaaReportDataClaim.UserData },
            MaaTestTokens.ClockFor(token),
            new JwksCollateral(MaaTestTokens.DerivedJwks));

        VerifiedEvidence evidence = await verifier.VerifyAsync(Encoding.UTF8.GetBytes(token), new byte[64]);
        Assert.Equal(64, evidence.ReportData.Length);

        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(Encoding.UTF8.GetBytes(token), new byte[] { 1 }));
        Assert.Equal(AttestationFailureKind.ReportDataMismatch, e.Kind);
    }

    [TestDataFact]
    public async Task Missing_jwks_and_non_utf8_are_refused()
    {
        string token = MaaTestTokens.Token("thomvanl_sharedweu_sevsnpvm_2022-12-23.jwt");
        var verifier = new MaaEvidenceVerifier(new MaaTokenOptions { AllowedIssuers = [MaaTestTokens.SharedWeu] }, MaaTestTokens.ClockFor(token), new JwksCollateral(null));
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(Encoding.UTF8.GetBytes(token), new byte[] { 1 }));
        Assert.Equal(AttestationFailureKind.MissingCollateral, e.Kind);
        e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(new byte[] { 0xFF, 0xFE, 0x2E }, new byte[] { 1 }));
        Assert.Equal(AttestationFailureKind.Malformed, e.Kind);
    }

    [Fact]
    public async Task A_tee_type_without_a_mapping_is_not_reported_as_snp()
    {
        using RSA key = RSA.Create(2048);
        var options = new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"], AllowedTeeTypes = ["sevsnpvm", "tdxvm", "sgxvm"] };
        var verifier = new MaaEvidenceVerifier(options, FixedTimeProvider.At("2025-01-01T00:00:00Z"), new JwksCollateral(MaaTestTokens.JwksFor(key)));
        byte[] nonce = Encoding.ASCII.GetBytes("nonce");

        VerifiedEvidence snp = await verifier.VerifyAsync(Encoding.UTF8.GetBytes(MaaTestTokens.Sign(key, MaaTokenVerifierTests.Claims())), nonce);
        Assert.Equal(TeeType.AzureSevSnp, snp.Tee);

        System.Text.Json.Nodes.JsonObject sgx = MaaTokenVerifierTests.Claims(teeType: "sgxvm");
        sgx["x-ms-isolation-tee"]!["tdx_td_attributes_debug"] = false;
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(Encoding.UTF8.GetBytes(MaaTestTokens.Sign(key, sgx)), nonce));
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, e.Kind);
    }

    internal sealed class JwksCollateral(string? jwks) : ICollateralSource
    {
        public ValueTask<SignedCollateral?> GetTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken) => new((SignedCollateral?)null);

        public ValueTask<SignedCollateral?> GetQeIdentityAsync(TeeType tee, CancellationToken cancellationToken) => new((SignedCollateral?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetCrlAsync(string name, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);

        public ValueTask<ReadOnlyMemory<byte>?> GetAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken) => new((ReadOnlyMemory<byte>?)null);


        public ValueTask<string?> GetJwksAsync(string issuer, CancellationToken cancellationToken) => new(jwks);
    }
}
