using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Kms.Attestation.Azure;

namespace Kms.Attestation.Tests.Azure;

public sealed class MaaTokenVerifierTests
{
    private static readonly MaaTokenOptions s_options = new() { AllowedIssuers = [MaaTestTokens.SharedWeu, MaaTestTokens.SharedEus2] };

    [TestDataTheory]
    [InlineData("thomvanl_sharedweu_sevsnpvm_2022-12-23.jwt", true, "ad6de16ac59ee52351c6038df58d1be5aeaf41cd0f7c81b2279ecca0df6ef43a2b69d663ad6973d6dbb9db0ffd7a9023")]
    [InlineData("azure_cvmguestattestation_sharedweu_sevsnpvm_2023-03-30_EXTRACTED.jwt", true, "8962535933f5c4b429ec41d6550c187c163aa76f3be1f8d750a272a9d8995023e8286a2e431a96c36087ac46d4188676")]
    [InlineData("jesserc_sharedeus2_sevsnpvm_2024-12-20_EXTRACTED.jwt", false, null)]
    [InlineData("jesserc_sharedeus2_sevsnpvm_2024-12-31_RECONSTRUCTED.jwt", false, null)]
    [InlineData("jesserc_sharedeus2_sevsnpvm_2025-01-12_EXTRACTED.jwt", false, null)]
    public void Verifies_published_tokens_with_their_jwks(string file, bool weu, string? launchMeasurement)
    {
        string token = MaaTestTokens.Token(file);
        var verifier = new MaaTokenVerifier(s_options, MaaTestTokens.ClockFor(token));
        MaaSigningKeys keys = MaaSigningKeys.Parse(weu ? MaaTestTokens.WeuJwks : MaaTestTokens.DerivedJwks);

        MaaToken verified = verifier.Verify(token, keys);

        Assert.Equal(weu ? MaaTestTokens.SharedWeu : MaaTestTokens.SharedEus2, verified.Issuer);
        Assert.Equal("sevsnpvm", verified.TeeType);
        Assert.Equal("azure-compliant-cvm", verified.ComplianceStatus);
        Assert.False(verified.Debug);
        Assert.Contains("\"HCLAkPub\"", verified.AttestationKeyJwk);
        if (launchMeasurement is not null)
        {
            Assert.Equal(launchMeasurement, verified.TeeClaims["x-ms-sevsnpvm-launchmeasurement"]);
        }
    }

    [TestDataFact]
    public void The_derived_jwks_also_verifies_the_weu_tokens()
    {
        // Both key sets publish kid dRKh...; the x5c-only snapshot and the n/e-only derived set name the same key.
        string token = MaaTestTokens.Token("thomvanl_sharedweu_sevsnpvm_2022-12-23.jwt");
        var verifier = new MaaTokenVerifier(s_options, MaaTestTokens.ClockFor(token));
        Assert.NotNull(verifier.Verify(token, MaaSigningKeys.Parse(MaaTestTokens.DerivedJwks)));
    }

    [TestDataFact]
    public void Tampered_tokens_are_refused_with_precise_kinds()
    {
        string token = MaaTestTokens.Token("thomvanl_sharedweu_sevsnpvm_2022-12-23.jwt");
        FixedTimeProvider clock = MaaTestTokens.ClockFor(token);
        var verifier = new MaaTokenVerifier(s_options, clock);
        MaaSigningKeys keys = MaaSigningKeys.Parse(MaaTestTokens.WeuJwks);

        JsonObject payload = MaaTestTokens.Payload(token);
        payload["x-ms-isolation-tee"]!["x-ms-sevsnpvm-is-debuggable"] = true;
        AssertKind(AttestationFailureKind.BadSignature, () => verifier.Verify(MaaTestTokens.Reassemble(token, payload: payload), keys));

        char[] chars = token.ToCharArray();
        int last = token.Length - 10;
        chars[last] = chars[last] == 'A' ? 'B' : 'A';
        AssertKind(AttestationFailureKind.BadSignature, () => verifier.Verify(new string(chars), keys));

        JsonObject header = MaaTestTokens.Header(token);
        // The snapshot's other key is a real 1024-bit MAA key: refused as too weak before any signature check.
        header["kid"] = "wiFDMG11GDLqd14z3T/DUYh/ZmGaVfY0s29siGgYOJs=";
        AssertKind(AttestationFailureKind.UnsupportedVersion, () => verifier.Verify(MaaTestTokens.Reassemble(token, header: header), keys));
        header["kid"] = "Ml5Yv3XS9gtdG4MjlAei4waCQHJdP2RegZIF12q8nO8=";
        AssertKind(AttestationFailureKind.BadSignature, () => verifier.Verify(MaaTestTokens.Reassemble(token, header: header), MaaSigningKeys.Parse(MaaTestTokens.DerivedJwks)));
        header["kid"] = "no-such-key";
        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(MaaTestTokens.Reassemble(token, header: header), keys));

        header = MaaTestTokens.Header(token);
        header["alg"] = "none";
        AssertKind(AttestationFailureKind.UnsupportedVersion, () => verifier.Verify(MaaTestTokens.Reassemble(token, header: header).Split('.')[0] + "." + token.Split('.')[1] + ".", keys));
        foreach (string alg in new[] { "HS256", "RS384", "PS256", "ES256", "rs256" })
        {
            header["alg"] = alg;
            AssertKind(AttestationFailureKind.UnsupportedVersion, () => verifier.Verify(MaaTestTokens.Reassemble(token, header: header), keys));
        }

        var otherIssuers = new MaaTokenVerifier(new MaaTokenOptions { AllowedIssuers = [MaaTestTokens.SharedEus2] }, clock);
        AssertKind(AttestationFailureKind.PolicyViolation, () => otherIssuers.Verify(token, keys));
        AssertKind(AttestationFailureKind.PolicyViolation, () => otherIssuers.ReadAllowedIssuer(token));

        AssertKind(AttestationFailureKind.UntrustedChain, () => verifier.Verify(token, MaaSigningKeys.Parse("{\"keys\":[]}")));
    }

    [TestDataFact]
    public void Lifetime_is_checked_at_the_injected_time_with_skew()
    {
        string token = MaaTestTokens.Token("thomvanl_sharedweu_sevsnpvm_2022-12-23.jwt");
        MaaSigningKeys keys = MaaSigningKeys.Parse(MaaTestTokens.WeuJwks);
        JsonObject payload = MaaTestTokens.Payload(token);
        var iat = DateTimeOffset.FromUnixTimeSeconds(payload["iat"]!.GetValue<long>());
        var exp = DateTimeOffset.FromUnixTimeSeconds(payload["exp"]!.GetValue<long>());
        var options = s_options with { ClockSkew = TimeSpan.FromSeconds(30) };

        Assert.NotNull(new MaaTokenVerifier(options, new FixedTimeProvider(exp.AddSeconds(29))).Verify(token, keys));
        AssertKind(AttestationFailureKind.ExpiredCollateral, () => new MaaTokenVerifier(options, new FixedTimeProvider(exp.AddSeconds(31))).Verify(token, keys));
        Assert.NotNull(new MaaTokenVerifier(options, new FixedTimeProvider(iat.AddSeconds(-29))).Verify(token, keys));
        AssertKind(AttestationFailureKind.ExpiredCollateral, () => new MaaTokenVerifier(options, new FixedTimeProvider(iat.AddSeconds(-31))).Verify(token, keys));
        AssertKind(AttestationFailureKind.ExpiredCollateral, () => new MaaTokenVerifier(options with { MaxTokenAge = TimeSpan.FromMinutes(10) }, new FixedTimeProvider(iat.AddHours(1))).Verify(token, keys));
    }

    [Fact]
    public void Unverified_token_fields_are_not_echoed_into_errors()
    {
        using RSA key = RSA.Create(2048);
        var verifier = new MaaTokenVerifier(new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] }, FixedTimeProvider.At("2025-01-01T00:00:00Z"));
        JsonObject claims = Claims();
        claims["iss"] = "https://evil.example\r\nINJECTED" + new string('x', 5_000);

        AttestationException e = Assert.Throws<AttestationException>(() => verifier.ReadAllowedIssuer(MaaTestTokens.Sign(key, claims)));
        Assert.Equal(AttestationFailureKind.PolicyViolation, e.Kind);
        Assert.DoesNotContain("INJECTED", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 200);
    }

    [Fact]
    public void Clock_skew_and_token_age_are_bounded()
    {
        var clock = FixedTimeProvider.At("2025-01-01T00:00:00Z");
        var options = new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] };
        Assert.NotNull(new MaaTokenVerifier(options with { ClockSkew = MaaTokenOptions.MaxClockSkew }, clock));

        // A skew of a day (or TimeSpan.MaxValue, which overflowed exp + skew) would quietly disable the lifetime check.
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaaTokenVerifier(options with { ClockSkew = TimeSpan.FromDays(1) }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaaTokenVerifier(options with { ClockSkew = TimeSpan.MaxValue }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaaTokenVerifier(options with { ClockSkew = TimeSpan.FromSeconds(-1) }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaaTokenVerifier(options with { MaxTokenAge = TimeSpan.Zero }, clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaaTokenVerifier(options with { MaxTokenAge = TimeSpan.MaxValue }, clock));
    }

    [Fact]
    public void Claim_policy_is_enforced_on_signed_tokens()
    {
        using RSA key = RSA.Create(2048);
        MaaSigningKeys keys = MaaSigningKeys.Parse(MaaTestTokens.JwksFor(key));
        var clock = FixedTimeProvider.At("2025-01-01T00:00:00Z");
        var verifier = new MaaTokenVerifier(new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] }, clock);

        Assert.False(verifier.Verify(MaaTestTokens.Sign(key, Claims()), keys).Debug);
        AssertKind(AttestationFailureKind.DebugNotAllowed, () => verifier.Verify(MaaTestTokens.Sign(key, Claims(debug: true)), keys));
        AssertKind(AttestationFailureKind.PolicyViolation, () => verifier.Verify(MaaTestTokens.Sign(key, Claims(compliance: "azure-noncompliant")), keys));
        AssertKind(AttestationFailureKind.PolicyViolation, () => verifier.Verify(MaaTestTokens.Sign(key, Claims(teeType: "sgx")), keys));
        AssertKind(AttestationFailureKind.DebugNotAllowed, () => verifier.Verify(MaaTestTokens.Sign(key, Claims(teeType: "tdxvm")), keys));

        JsonObject noExp = Claims();
        noExp.Remove("exp");
        AssertKind(AttestationFailureKind.Malformed, () => verifier.Verify(MaaTestTokens.Sign(key, noExp), keys));
        JsonObject stringExp = Claims();
        stringExp["exp"] = "tomorrow";
        AssertKind(AttestationFailureKind.Malformed, () => verifier.Verify(MaaTestTokens.Sign(key, stringExp), keys));

        using RSA other = RSA.Create(2048);
        AssertKind(AttestationFailureKind.BadSignature, () => verifier.Verify(MaaTestTokens.Sign(other, Claims()), keys));
        AssertKind(AttestationFailureKind.UnsupportedVersion, () => verifier.Verify(MaaTestTokens.Sign(key, Claims(), alg: "HS256"), keys));
    }

    [Fact]
    public void Signed_tokens_with_duplicate_claims_are_refused()
    {
        using RSA key = RSA.Create(2048);
        MaaSigningKeys keys = MaaSigningKeys.Parse(MaaTestTokens.JwksFor(key));
        var verifier = new MaaTokenVerifier(new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] }, FixedTimeProvider.At("2025-01-01T00:00:00Z"));
        string json = Claims().ToJsonString();
        Assert.NotNull(verifier.Verify(MaaTestTokens.Sign(key, json), keys));

        // Which of two values a reader takes is parser-specific: a debug flag, nonce or issuer must have exactly one.
        string[] duplicated =
        [
            json.Replace("\"x-ms-sevsnpvm-is-debuggable\":false", "\"x-ms-sevsnpvm-is-debuggable\":true,\"x-ms-sevsnpvm-is-debuggable\":false", StringComparison.Ordinal),
            json.Replace("\"nonce\":\"bm9uY2U=\"", "\"nonce\":\"b3RoZXI=\",\"nonce\":\"bm9uY2U=\"", StringComparison.Ordinal),
            json.Replace("{\"iss\":", "{\"iss\":\"https://other.attest.azure.net\",\"iss\":", StringComparison.Ordinal),
        ];
        foreach (string payload in duplicated)
        {
            Assert.NotEqual(json, payload);
            AssertKind(AttestationFailureKind.Malformed, () => verifier.Verify(MaaTestTokens.Sign(key, payload), keys));
        }
    }

    [TestDataFact]
    public void An_x5c_that_disagrees_with_n_and_e_is_refused()
    {
        JsonObject jwks = (JsonObject)JsonNode.Parse(string.Join('\n', MaaTestTokens.WeuJwks.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal))))!;
        using RSA other = RSA.Create(2048);
        RSAParameters p = other.ExportParameters(false);
        JsonObject first = (JsonObject)jwks["keys"]![0]!;
        first["n"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Modulus);
        first["e"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Exponent);
        AssertKind(AttestationFailureKind.UntrustedChain, () => MaaSigningKeys.Parse(jwks.ToJsonString()));
    }

    [Fact]
    public void Malformed_tokens_and_jwks_fail_with_typed_errors()
    {
        using RSA key = RSA.Create(2048);
        MaaSigningKeys keys = MaaSigningKeys.Parse(MaaTestTokens.JwksFor(key));
        var verifier = new MaaTokenVerifier(new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] }, FixedTimeProvider.At("2025-01-01T00:00:00Z"));
        foreach (string bad in new[] { "", ".", "..", "a.b", "a.b.c.d", "e30.e30.", "!!!.???.***", new string('a', 70_000) })
        {
            Assert.Throws<AttestationException>(() => verifier.Verify(bad, keys));
        }

        string modulus = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(key.ExportParameters(false).Modulus);
        foreach (string bad in new[]
        {
            "", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\"}]}", "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"*\",\"e\":\"AQAB\"}]}",
            // n/e that parse as base64url but are no RSA key: empty or even exponent, empty modulus.
            $"{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"{modulus}\",\"e\":\"\"}}]}}",
            $"{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"{modulus}\",\"e\":\"AA\"}}]}}",
            $"{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"{modulus}\",\"e\":\"AQAA\"}}]}}",
            "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"\",\"e\":\"AQAB\"}]}",
        })
        {
            AttestationException e = Assert.Throws<AttestationException>(() => MaaSigningKeys.Parse(bad));
            Assert.True(e.Kind is AttestationFailureKind.Malformed or AttestationFailureKind.UnsupportedVersion);
        }

        string valid = MaaTestTokens.Sign(key, Claims());
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            char[] chars = valid.ToCharArray();
            int flips = random.Next(1, 4);
            for (int j = 0; j < flips; j++)
            {
                chars[random.Next(chars.Length)] = "ABCxyz019-_.=+/"[random.Next(15)];
            }

            string mutated = random.Next(4) == 0 ? new string(chars, 0, random.Next(chars.Length)) : new string(chars);
            if (mutated == valid)
            {
                continue;
            }

            Assert.Throws<AttestationException>(() => verifier.Verify(mutated, keys));
        }
    }

    internal static JsonObject Claims(bool debug = false, string compliance = "azure-compliant-cvm", string teeType = "sevsnpvm", string nonce = "bm9uY2U=")
    {
        long iat = DateTimeOffset.Parse("2024-12-31T23:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = "https://test.attest.azure.net",
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = iat + 8 * 3600,
            ["x-ms-attestation-type"] = "azurevm",
            ["x-ms-runtime"] = new JsonObject { ["client-payload"] = new JsonObject { ["nonce"] = nonce } },
            ["x-ms-isolation-tee"] = new JsonObject
            {
                ["x-ms-attestation-type"] = teeType,
                ["x-ms-compliance-status"] = compliance,
                ["x-ms-sevsnpvm-is-debuggable"] = debug,
                ["x-ms-sevsnpvm-launchmeasurement"] = new string('a', 96),
                ["x-ms-runtime"] = new JsonObject { ["user-data"] = new string('0', 128) },
            },
        };
    }

    private static void AssertKind(AttestationFailureKind kind, Action action)
    {
        AttestationException e = Assert.Throws<AttestationException>(action);
        Assert.Equal(kind, e.Kind);
    }
}
