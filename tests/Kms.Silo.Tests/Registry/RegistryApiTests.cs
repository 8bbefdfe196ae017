using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kms.Attestation;
using Kms.Attestation.Dev;
using Kms.Client.Registry;
using Kms.Crypto.Ethereum;
using Kms.Governance.Tests.Contracts;

namespace Kms.Silo.Tests.Registry;

/// <summary>
/// The Go TEE registry routes over real HTTP against a dev silo reading a real anvil node: each answer against its
/// golden file (Registry/Golden, written from the spec), the operator extension recovered from a cast signature, the
/// certificate chain checked with openssl, and the KMS's dev evidence checked against report data computed here.
/// </summary>
public sealed partial class RegistryApiTests(RegistrySiloFixture fixture) : IClassFixture<RegistrySiloFixture>
{
    private const string Secrets = "/api/attested/secrets/";

    [RequiresAnvilFact]
    public async Task AdmittedInstance_GetsGoAppSecrets_BoundByTheKmsEvidence_AndChainedToAStableCa()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        byte[] csr = workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1));

        // The Go client sends the address as lowercase hex without 0x.
        using HttpResponseMessage response = await PostAsync(Convert.ToHexStringLower(fixture.Registry.Bytes), csr, workload);
        string body = await GoldenResponse.AssertMatchesAsync(response, "secrets-200");
        using JsonDocument json = JsonDocument.Parse(body);
        byte[] keyPem = json.RootElement.GetProperty("app_privkey").GetBytesFromBase64();
        byte[] certPem = json.RootElement.GetProperty("tls_cert").GetBytesFromBase64();
        byte[] @operator = json.RootElement.GetProperty("operator").EnumerateArray().Select(e => e.GetByte()).ToArray();
        byte[] attestation = json.RootElement.GetProperty("attestation").GetBytesFromBase64();

        Assert.Equal(RegistrySiloFixture.KmsOperator.Bytes.ToArray(), @operator);
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----\n", Encoding.ASCII.GetString(keyPem), StringComparison.Ordinal);
        Assert.EndsWith("-----END EC PRIVATE KEY-----\n", Encoding.ASCII.GetString(keyPem), StringComparison.Ordinal);
        Assert.EndsWith("-----END CERTIFICATE-----\n", Encoding.ASCII.GetString(certPem), StringComparison.Ordinal);

        // §1.5: reportData = contract ‖ SHA-256(operator ‖ tls_cert PEM ‖ app_privkey PEM) ‖ 0 × 12, computed here from the spec.
        byte[] expected = [.. fixture.Registry.Bytes, .. SHA256.HashData([.. @operator, .. certPem, .. keyPem]), .. new byte[12]];
        VerifiedEvidence kms = await DevVerifier().VerifyAsync(attestation, expected);
        Assert.Equal(expected, kms.ReportData.ToArray());

        // The leaf is for the instance's key, CN <hex>.app, and chains to the namespace CA (checked by openssl).
        using var leaf = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(certPem));
        Assert.Equal("CN=" + RegistryTestWorkload.AppCommonName(fixture.Registry), leaf.Subject);
        Assert.Equal(workload.Key.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        string ca = await CaPemAsync();
        Assert.Contains(": OK", OpenSslVerify(ca, Encoding.ASCII.GetString(certPem)), StringComparison.Ordinal);

        // Stable: the same app key and the same CA on the next call (the Go CA changed every call).
        using RegistryTestWorkload again = RegistryTestWorkload.Proxied(0);
        using HttpResponseMessage second = await PostAsync(fixture.Namespace, again.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), again.CastOperatorSignature(AnvilFixture.DevKey1)), again);
        using JsonDocument secondJson = JsonDocument.Parse(await GoldenResponse.AssertMatchesAsync(second, "secrets-200"));
        Assert.Equal(keyPem, secondJson.RootElement.GetProperty("app_privkey").GetBytesFromBase64());
        Assert.Equal(ca, await CaPemAsync());
    }

    [RequiresAnvilFact]
    public async Task DotNetClient_VerifiesTheKmsAttestation_AndTheAppKeyMatchesThePki()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        DevEvidenceVerifier verifier = DevVerifier();
        var provider = new SecretsProvider(fixture.Client)
        {
            DebugAttestationTypeHeader = "qemu-tdx",
            DebugMeasurementsHeader = workload.MeasurementHeader,
            AttestationVerifier = async (attestation, reportData, ct) => await verifier.VerifyAsync(attestation, reportData, ct),
        };
        Uri url = fixture.Client.BaseAddress!;
        AppSecrets secrets = await provider.AppSecretsAsync(
            url, fixture.Registry.Bytes.ToArray(), workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1)));
        AppPki pki = await provider.PkiAsync(url, fixture.Registry.Bytes.ToArray());

        using var appKey = ECDsa.Create();
        appKey.ImportFromPem(Encoding.ASCII.GetString(secrets.AppPrivateKeyPem));
        Assert.Equal(GoPem.Encode("PUBLIC KEY", appKey.ExportSubjectPublicKeyInfo()), pki.AppPublicKeyPem);

        // A verifier that refuses is surfaced, not ignored.
        var refusing = new SecretsProvider(fixture.Client) { AttestationVerifier = (_, _, _) => throw new AttestationException(AttestationFailureKind.BadSignature, "no") };
        await Assert.ThrowsAsync<RegistryAttestationException>(() => refusing.PkiAsync(url, fixture.Registry.Bytes.ToArray()));

        RegistryClientException onboard = await Assert.ThrowsAsync<RegistryClientException>(() => provider.OnboardAsync(url, new byte[32]));
        Assert.Equal(501, onboard.StatusCode);
        Assert.StartsWith("onboarding server responded with 501: onboarding is not supported in Orleans.Kms", onboard.Message, StringComparison.Ordinal);
    }

    [RequiresAnvilFact]
    public async Task Pki_IsGoJson_StableAcrossCalls_AndBoundByTheKmsEvidence()
    {
        using HttpResponseMessage first = await fixture.Client.GetAsync("/api/public/pki/" + fixture.Namespace);
        string body = await GoldenResponse.AssertMatchesAsync(first, "pki-200");
        using HttpResponseMessage second = await fixture.Client.GetAsync("/api/public/pki/" + Convert.ToHexString(fixture.Registry.Bytes));
        using JsonDocument a = JsonDocument.Parse(body);
        using JsonDocument b = JsonDocument.Parse(await GoldenResponse.AssertMatchesAsync(second, "pki-200"));
        byte[] caPem = a.RootElement.GetProperty("ca_cert").GetBytesFromBase64();
        byte[] pubPem = a.RootElement.GetProperty("app_pubkey").GetBytesFromBase64();
        Assert.Equal(caPem, b.RootElement.GetProperty("ca_cert").GetBytesFromBase64());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", Encoding.ASCII.GetString(pubPem), StringComparison.Ordinal);

        // §1.7: reportData = contract ‖ SHA-256(ca PEM ‖ pubkey PEM) ‖ 0 × 12.
        byte[] expected = [.. fixture.Registry.Bytes, .. SHA256.HashData([.. caPem, .. pubPem]), .. new byte[12]];
        await DevVerifier().VerifyAsync(a.RootElement.GetProperty("attestation").GetBytesFromBase64(), expected);

        using HttpResponseMessage bad = await fixture.Client.GetAsync("/api/public/pki/0x1234");
        await GoldenResponse.AssertMatchesAsync(bad, "pki-400-invalid-address");
        using HttpResponseMessage notAllowed = await fixture.Client.GetAsync("/api/public/pki/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));
        Assert.Equal(404, (int)notAllowed.StatusCode);
        Assert.StartsWith("Failed to get PKI: application not allowed", await notAllowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [RequiresAnvilFact]
    public async Task EveryGoErrorPath_AnswersTheGoStatusAndMessage()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        string cn = RegistryTestWorkload.AppCommonName(fixture.Registry);
        byte[] signed = workload.Csr(cn, workload.CastOperatorSignature(AnvilFixture.DevKey1));

        await ExpectAsync(await PostAsync("0x1234", signed, workload), "secrets-400-invalid-address");
        await ExpectAsync(await PostAsync(new string('g', 40), signed, workload), "secrets-400-invalid-address");

        // ApplicationAllowed comes first: an unknown application with an empty body is refused as not allowed.
        string stranger = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        await ExpectAsync(await PostAsync(stranger, signed, workload), "secrets-401-application-not-allowed");
        await ExpectAsync(await PostAsync(stranger, [], workload), "secrets-401-application-not-allowed");

        await ExpectAsync(await PostAsync(fixture.Namespace, [], workload), "secrets-400-empty-csr");
        await ExpectAsync(await PostAsync(fixture.Namespace, signed, workload, type: "dummy"), "secrets-400-invalid-measurements");
        await ExpectAsync(await PostAsync(fixture.Namespace, signed, workload, measurements: "{\"0\":\"00\"}"), "secrets-400-invalid-measurements");
        await ExpectAsync(await PostAsync(fixture.Namespace, signed, null), "secrets-400-invalid-measurements");
        string shortPcrs = "{\"4\":\"" + new string('0', 64) + "\"}";
        await ExpectAsync(await PostAsync(fixture.Namespace, signed, workload, type: "azure-tdx", measurements: shortPcrs), "secrets-400-identity-computation");
        await ExpectAsync(await PostAsync(fixture.Namespace, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"u8.ToArray(), workload), "secrets-400-csr-parsing");

        byte[] badSignature = new byte[65];
        badSignature[64] = 5; // V must be 0 or 1
        await ExpectAsync(await PostAsync(fixture.Namespace, workload.Csr(cn, badSignature), workload), "secrets-400-operator-signature");

        // No extension: the operator is the zero address, which lacks ROLE_OPERATOR, so IdentityAllowed reverts.
        await ExpectAsync(await PostAsync(fixture.Namespace, workload.Csr(cn), workload), "secrets-401-operator-not-authorized");

        // Signed by a key without the role (anvil account 2): reverts the same way.
        await ExpectAsync(await PostAsync(fixture.Namespace, workload.Csr(cn, workload.CastOperatorSignature(AnvilFixture.DevKey2)), workload), "secrets-401-operator-not-authorized");

        using RegistryTestWorkload stranger2 = RegistryTestWorkload.Proxied(9);
        await ExpectAsync(await PostAsync(fixture.Namespace, stranger2.Csr(cn, stranger2.CastOperatorSignature(AnvilFixture.DevKey1)), stranger2), "secrets-401-identity-not-allowed");

        // Admitted, but the CSR names another application: refused at signing, as Go's AppSecrets errors.
        await ExpectAsync(await PostAsync(fixture.Namespace, workload.Csr(new string('a', 40) + ".app", workload.CastOperatorSignature(AnvilFixture.DevKey1)), workload), "secrets-401-prepare-app-secrets");
    }

    [RequiresAnvilFact]
    public async Task ChainChanges_AreInForceForTheNextRequest()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        byte[] csr = workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1));
        await ExpectAsync(await PostAsync(fixture.Namespace, csr, workload), "secrets-200");
        try
        {
            // The instance operator loses ROLE_OPERATOR (RoleRevoked): IdentityAllowed now reverts for it.
            await fixture.Chain.Registry().RevokeRoleAsync(Kms.Governance.Contracts.KmsGovernanceContract.RoleOperator, RegistrySiloFixture.InstanceOperator);
            await Task.Delay(300);
            await ExpectAsync(await PostAsync(fixture.Namespace, csr, workload), "secrets-401-operator-not-authorized");
        }
        finally
        {
            await fixture.Chain.Registry().GrantRoleAsync(Kms.Governance.Contracts.KmsGovernanceContract.RoleOperator, RegistrySiloFixture.InstanceOperator);
        }

        try
        {
            // The KMS governance drops the application.
            await fixture.Chain.Kms().RemoveAllowlistedApplicationAsync(fixture.Registry);
            await Task.Delay(300);
            await ExpectAsync(await PostAsync(fixture.Namespace, csr, workload), "secrets-401-application-not-allowed");
        }
        finally
        {
            await fixture.Chain.Kms().AllowApplicationAsync(fixture.Registry);
        }

        await Task.Delay(300);
        await ExpectAsync(await PostAsync(fixture.Namespace, csr, workload), "secrets-200");
    }

    [RequiresAnvilFact]
    public async Task AuthorizeForOperator_AsksTheRegistryForThatOperator()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        using (await PostAsync(fixture.Namespace, workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1)), workload))
        {
            // The first request created the namespace.
        }

        var grains = (IGrainFactory)fixture.Silo.App.Services.GetService(typeof(IGrainFactory))!;
        var claims = new Dictionary<string, string>
        {
            ["rtmr0"] = Convert.ToHexStringLower(workload.Registers[1]),
            ["rtmr1"] = Convert.ToHexStringLower(workload.Registers[2]),
            ["rtmr2"] = Convert.ToHexStringLower(workload.Registers[3]),
        };
        var verified = new Kms.Grains.Namespaces.VerifiedWorkload("flashbots-proxy:qemu-tdx", "tdx", false, "ProxyAttested", [], claims, []);
        Kms.Grains.Namespaces.INamespaceGrain ns = grains.GetGrain<Kms.Grains.Namespaces.INamespaceGrain>(fixture.Namespace);

        Kms.Grains.Namespaces.AuthorizationDecision allowed = await ns.AuthorizeForOperatorAsync(verified, RegistrySiloFixture.InstanceOperator.ToLowerHexString());
        Assert.True(allowed.Allowed, allowed.Reason);
        Assert.Equal(Convert.ToHexStringLower(workload.Identity(fixture.Registry)), allowed.Identity);

        Kms.Grains.Namespaces.AuthorizationDecision zero = await ns.AuthorizeForOperatorAsync(verified, EthereumAddress.Zero.ToLowerHexString());
        Assert.False(zero.Allowed);
        Assert.Equal("execution reverted: Operator not authorized", zero.Reason);
    }

    [RequiresAnvilFact]
    public async Task Onboard_IsAnExplicit501_AndMalformedIdsA400()
    {
        using HttpResponseMessage response = await fixture.Client.GetAsync("/api/attested/onboard/" + new string('a', 64));
        Assert.Equal(501, (int)response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(Kms.Api.Registry.RegistryEndpoints.OnboardNotSupported + "\n", await response.Content.ReadAsStringAsync());

        using HttpResponseMessage odd = await fixture.Client.GetAsync("/api/attested/onboard/abc");
        await GoldenResponse.AssertMatchesAsync(odd, "onboard-400-invalid-id");
        using HttpResponseMessage notHex = await fixture.Client.GetAsync("/api/attested/onboard/zz");
        await GoldenResponse.AssertMatchesAsync(notHex, "onboard-400-invalid-id");
    }

    [RequiresAnvilFact]
    public async Task DirectEvidence_BindsAChallengeAndTheCsrKey_AndTheChallengeIsSingleUse()
    {
        var measurements = new Dictionary<string, byte[]>
        {
            ["rtmr0"] = SHA384.HashData("direct-0"u8), ["rtmr1"] = SHA384.HashData("direct-1"u8), ["rtmr2"] = SHA384.HashData("direct-2"u8),
        };
        byte[] identity = Keccak256.HashData([.. fixture.Registry.Bytes, .. measurements["rtmr0"], .. measurements["rtmr1"], .. measurements["rtmr2"]]);
        await fixture.Chain.Registry().SetConfigForIdentityAsync(identity, RandomNumberGenerator.GetBytes(32));
        await Task.Delay(300); // the silo polls the chain every 50 ms

        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        byte[] csr = workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1));
        byte[] instanceId = RandomNumberGenerator.GetBytes(32);
        RegistryEvidence evidence = await EvidenceAsync(identity, instanceId, measurements, workload);
        var provider = new SecretsProvider(fixture.Client);
        AppSecrets secrets = await provider.AppSecretsAsync(fixture.Client.BaseAddress!, fixture.Registry.Bytes.ToArray(), csr, evidence);
        Assert.Equal(RegistrySiloFixture.KmsOperator.Bytes.ToArray(), secrets.Operator);

        RegistryClientException replay = await Assert.ThrowsAsync<RegistryClientException>(() => provider.AppSecretsAsync(fixture.Client.BaseAddress!, fixture.Registry.Bytes.ToArray(), csr, evidence));
        Assert.Equal(401, replay.StatusCode);
        Assert.StartsWith("could not prepare app secrets: ", replay.Body, StringComparison.Ordinal);

        // Evidence for another key does not vouch for this CSR.
        using RegistryTestWorkload other = RegistryTestWorkload.Proxied(0);
        RegistryEvidence forOther = await EvidenceAsync(identity, instanceId, measurements, other);
        RegistryClientException wrongKey = await Assert.ThrowsAsync<RegistryClientException>(() => provider.AppSecretsAsync(fixture.Client.BaseAddress!, fixture.Registry.Bytes.ToArray(), csr, forOther));
        Assert.Equal(401, wrongKey.StatusCode);
        Assert.StartsWith("evidence not accepted: ", wrongKey.Body, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, Secrets + fixture.Namespace) { Content = new ByteArrayContent(csr) };
        request.Headers.TryAddWithoutValidation("X-Kms-Evidence-Type", "dev");
        request.Headers.TryAddWithoutValidation("X-Kms-Evidence", "not base64!");
        using HttpResponseMessage malformed = await fixture.Client.SendAsync(request);
        Assert.Equal(400, (int)malformed.StatusCode);
        Assert.StartsWith("could not parse identity from request: invalid evidence: ", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<RegistryEvidence> EvidenceAsync(byte[] identity, byte[] instanceId, Dictionary<string, byte[]> measurements, RegistryTestWorkload workload)
    {
        using HttpResponseMessage challengeResponse = await fixture.Client.PostAsync(
            $"/v1/namespaces/{fixture.Namespace}/challenges",
            new StringContent(JsonSerializer.Serialize(new { identity = Convert.ToHexStringLower(identity), instanceId = Convert.ToHexStringLower(instanceId) }), Encoding.UTF8, "application/json"));
        string text = await challengeResponse.Content.ReadAsStringAsync();
        Assert.True(challengeResponse.IsSuccessStatusCode, text);
        byte[] challenge = Convert.FromHexString(JsonDocument.Parse(text).RootElement.GetProperty("challenge").GetString()!);
        byte[] reportData = RegistryEvidence.ReportDataFor(challenge, instanceId, workload.Key.ExportSubjectPublicKeyInfo());
        return new RegistryEvidence("dev", DevEvidence.Create(fixture.DevEvidenceKey, measurements, reportData), challenge, instanceId);
    }

    private DevEvidenceVerifier DevVerifier() =>
        DevEvidenceVerifier.Create(DevModeAcknowledgement.FromDevFlag(true), fixture.DevEvidenceKey.ExportSubjectPublicKeyInfo());

    private async Task<string> CaPemAsync()
    {
        using HttpResponseMessage response = await fixture.Client.GetAsync("/api/public/pki/" + fixture.Namespace);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return Encoding.ASCII.GetString(json.RootElement.GetProperty("ca_cert").GetBytesFromBase64());
    }

    private async Task<HttpResponseMessage> PostAsync(string contract, byte[] body, RegistryTestWorkload? workload, string type = "qemu-tdx", string? measurements = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Secrets + contract) { Content = new ByteArrayContent(body) };
        if (workload is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Flashbots-Attestation-Type", type);
            request.Headers.TryAddWithoutValidation("X-Flashbots-Measurement", measurements ?? workload.MeasurementHeader);
        }

        using (request)
        {
            return await fixture.Client.SendAsync(request);
        }
    }

    private static async Task ExpectAsync(HttpResponseMessage response, string golden)
    {
        using (response)
        {
            await GoldenResponse.AssertMatchesAsync(response, golden);
        }
    }

    private static string OpenSslVerify(string caPem, string leafPem)
    {
        using var directory = new TempDirectory();
        string ca = Path.Combine(directory.Path, "ca.pem");
        string leaf = Path.Combine(directory.Path, "leaf.pem");
        File.WriteAllText(ca, caPem);
        File.WriteAllText(leaf, leafPem);
        var start = new System.Diagnostics.ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", ca, leaf })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
