using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Kms.Attestation.Dev;
using Microsoft.IdentityModel.Tokens;

namespace Kms.Attestation.Tests.Dev;

public sealed class DevEvidenceVerifierTests
{
    private static readonly byte[] s_nonce = SHA256.HashData("challenge"u8);

    private static readonly Dictionary<string, byte[]> s_measurements = new()
    {
        ["mrtd"] = Enumerable.Repeat((byte)0xaa, 48).ToArray(),
        ["rtmr0"] = Enumerable.Repeat((byte)0x01, 48).ToArray(),
    };

    [Fact]
    public void Cannot_be_created_without_dev_mode()
    {
        Assert.Throws<InvalidOperationException>(() => DevModeAcknowledgement.FromDevFlag(false));
        Assert.Throws<ArgumentNullException>(() => DevEvidenceVerifier.Create(null!, new byte[91]));
    }

    [Fact]
    public async Task Accepts_evidence_signed_by_the_dev_key()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DevEvidenceVerifier verifier = Verifier(key);

        VerifiedEvidence evidence = await verifier.VerifyAsync(DevEvidence.Create(key, s_measurements, s_nonce), s_nonce);

        Assert.Equal(TeeType.Dev, evidence.Tee);
        Assert.Equal(TcbStatus.NotApplicable, evidence.TcbStatus);
        Assert.True(evidence.Debug);
        Assert.Equal(s_nonce, evidence.ReportData.ToArray());
        Assert.Equal(new string('a', 96), evidence.PlatformIds["measurement.mrtd"]);
        Assert.Equal("dev", verifier.EvidenceType);
    }

    [Fact]
    public async Task Refuses_tampering_other_keys_and_unbound_evidence()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DevEvidenceVerifier verifier = Verifier(key);
        byte[] valid = DevEvidence.Create(key, s_measurements, s_nonce);

        await AssertKind(AttestationFailureKind.BadSignature, verifier, DevEvidence.Create(other, s_measurements, s_nonce), s_nonce);
        await AssertKind(AttestationFailureKind.ReportDataMismatch, verifier, valid, SHA256.HashData("other"u8));

        // Change one measurement inside the signed payload.
        JsonObject envelope = (JsonObject)JsonNode.Parse(valid)!;
        string payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(envelope["payload"]!.GetValue<string>()));
        envelope["payload"] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload.Replace("aaaa", "aaab", StringComparison.Ordinal)));
        await AssertKind(AttestationFailureKind.BadSignature, verifier, Encoding.UTF8.GetBytes(envelope.ToJsonString()), s_nonce);

        // Flip a signature bit.
        envelope = (JsonObject)JsonNode.Parse(valid)!;
        byte[] signature = Base64UrlEncoder.DecodeBytes(envelope["signature"]!.GetValue<string>());
        signature[5] ^= 1;
        envelope["signature"] = Base64UrlEncoder.Encode(signature);
        await AssertKind(AttestationFailureKind.BadSignature, verifier, Encoding.UTF8.GetBytes(envelope.ToJsonString()), s_nonce);

        // Every single-byte mutation of the envelope is refused.
        var random = new Random(5);
        for (int i = 0; i < 1000; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            if (mutated.AsSpan().SequenceEqual(valid))
            {
                continue;
            }

            await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(mutated, s_nonce));
        }
    }

    [Fact]
    public async Task A_validly_signed_but_malformed_payload_is_refused()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DevEvidenceVerifier verifier = Verifier(key);
        foreach ((string payload, AttestationFailureKind kind) in new[]
        {
            ("{\"format\":\"kms-dev-evidence/v2\",\"measurements\":{},\"report_data\":\"01\"}", AttestationFailureKind.UnsupportedVersion),
            ("{\"format\":\"kms-dev-evidence/v1\",\"measurements\":{\"MRTD\":\"01\"},\"report_data\":\"01\"}", AttestationFailureKind.Malformed),
            ("{\"format\":\"kms-dev-evidence/v1\",\"measurements\":{},\"report_data\":\"0G\"}", AttestationFailureKind.Malformed),
            ("{\"format\":\"kms-dev-evidence/v1\",\"measurements\":{},\"report_data\":\"01\",\"extra\":1}", AttestationFailureKind.Malformed),
            ("{\"format\":\"kms-dev-evidence/v1\",\"measurements\":{}}", AttestationFailureKind.Malformed),
        })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(payload);
            byte[] signature = key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            string envelope = $"{{\"payload\":\"{Base64UrlEncoder.Encode(bytes)}\",\"signature\":\"{Base64UrlEncoder.Encode(signature)}\"}}";
            await AssertKind(kind, verifier, Encoding.UTF8.GetBytes(envelope), [1]);
        }
    }

    private static DevEvidenceVerifier Verifier(ECDsa key) =>
        DevEvidenceVerifier.Create(DevModeAcknowledgement.FromDevFlag(true), key.ExportSubjectPublicKeyInfo());

    private static async Task AssertKind(AttestationFailureKind kind, DevEvidenceVerifier verifier, byte[] evidence, byte[] expected)
    {
        AttestationException e = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(evidence, expected));
        Assert.Equal(kind, e.Kind);
    }
}
