using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Kms.Attestation.Azure;
using Kms.Attestation.Collateral;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Sgx;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Azure;

/// <summary>
/// Azure Attestation signing certificates: validity, self-signature, key match and the SGX quote MAA embeds, with the
/// real sharedweu JWKS snapshot and with certificates built here (mutations, and an end-to-end pass whose quote is the
/// real MAA quote rebuilt by <see cref="SyntheticIntelPki"/>, since no published collateral window covers the real one).
/// </summary>
public sealed class MaaSigningCertificateTests
{
    private static readonly DateTimeOffset s_from = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<RSA> s_key = new(() => RSA.Create(2048));

    [TestDataTheory]
    [InlineData(0)]
    [InlineData(1)]
    public void TheRealQuotesBindTheirCertificatesKeyAsSha256OfItsPemWithANul(int index)
    {
        (byte[] der, string kid) = MaaSigningCertificates.WeuCertificate(index);
        MaaSigningCertificate certificate = MaaSigningCertificate.Parse(der, kid);

        SgxQuote quote = SgxQuote.Parse(certificate.EmbeddedQuote!.Value);
        Assert.Equal(3, quote.Version);
        Assert.True(quote.ReportData.Span.SequenceEqual(certificate.ExpectedQuoteReportData.Span));
        Assert.True(quote.ReportData.Span[32..].IndexOfAnyExcept((byte)0) < 0);

        // MAA's key id is the same digest.
        Assert.Equal(kid, Convert.ToBase64String(quote.ReportData.Span[..32]));
        Assert.True(MaaSigningCertificates.SharedWeuEnclave.Matches(quote.ToMeasurements()));
        Assert.False(quote.IsDebug);

        certificate.RequireValidSelfSigned(SgxFixtures.SecretNetworkCrlTime, kid);
    }

    [TestDataFact]
    public void TheBindingIsTheDigestOpensslComputesOverThePemPublicKey()
    {
        // Independent of our PEM writer: the expected digest of key 0, computed with
        // `openssl x509 -pubkey -noout | (cat; printf '\0') | sha256sum`.
        (byte[] der, string kid) = MaaSigningCertificates.WeuCertificate(0);
        MaaSigningCertificate certificate = MaaSigningCertificate.Parse(der, kid);
        Assert.Equal("7512a1fa105c5947d08a64a5dc8bfa6614ad5b74d23add1387089381452a640a", Convert.ToHexStringLower(certificate.ExpectedQuoteReportData.Span[..32]));
    }

    [TestDataFact]
    public void ARealCertificateIsRefusedAfterItsValidityAndWhenABitOfItChanges()
    {
        (byte[] der, string kid) = MaaSigningCertificates.WeuCertificate(0);
        MaaSigningCertificate certificate = MaaSigningCertificate.Parse(der, kid);
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, Assert.Throws<AttestationException>(() => certificate.RequireValidSelfSigned(new DateTimeOffset(2051, 1, 1, 0, 0, 0, TimeSpan.Zero), kid)).Kind);
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, Assert.Throws<AttestationException>(() => certificate.RequireValidSelfSigned(new DateTimeOffset(2019, 4, 30, 0, 0, 0, TimeSpan.Zero), kid)).Kind);

        // One flipped byte in the embedded quote: the certificate no longer carries its own signature.
        byte[] flipped = (byte[])der.Clone();
        flipped[MaaSigningCertificates.QuoteOffset(der, certificate.EmbeddedQuote!.Value.Span) + 500] ^= 0x01;
        MaaSigningCertificate tampered = MaaSigningCertificate.Parse(flipped, kid);
        Assert.Equal(AttestationFailureKind.UntrustedChain, Assert.Throws<AttestationException>(() => tampered.RequireValidSelfSigned(SgxFixtures.SecretNetworkCrlTime, kid)).Kind);
    }

    [TestDataFact]
    public async Task TheRealQuotesPassEveryCheckUpToTheirTcbInfoWhichNoPublishedCollateralCovers()
    {
        // MAA's platform has FMSPC 00906ED50000, SecretNetwork's collateral's: at its CRL instant the quote signature, the QE
        // report, the PCK chain (issued 2023-02-15) and revocation pass; its TCB info expired in 2021.
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromSecretNetworkAsync(dir.Path);
        MaaSignerQuoteVerifier verifier = Verifier(source, SgxFixtures.SecretNetworkCrlTime, required: true);
        foreach (int index in new[] { 0, 1 })
        {
            MaaSigningKey key = WeuKey(index);
            AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => verifier.RequireAcceptedAsync(key).AsTask());
            Assert.Equal(AttestationFailureKind.ExpiredCollateral, ex.Kind);
            Assert.StartsWith("The TCB info is valid from 2021-03-31", ex.Message, StringComparison.Ordinal);
        }
    }

    [TestDataFact]
    public async Task ARealQuoteFromAnotherEnclaveOrWithAFlippedByteIsRefused()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = await SgxFixtures.FromSecretNetworkAsync(dir.Path);
        MaaSigningKey key = WeuKey(0);

        MaaEnclaveIdentity newer = MaaSigningCertificates.SharedWeuEnclave with { MinimumSvn = 2 };
        MaaSignerQuoteVerifier strict = new(new MaaSignerQuoteOptions { AcceptedEnclaves = [newer] }, SgxVerifier(source, SgxFixtures.SecretNetworkCrlTime));
        Assert.Equal(AttestationFailureKind.PolicyViolation, (await Assert.ThrowsAsync<AttestationException>(() => strict.RequireAcceptedAsync(key).AsTask())).Kind);

        // A flipped byte in the quote's signed body (ISVFAMILYID, not pinned by the identity): the quote signature fails.
        (byte[] der, string kid) = MaaSigningCertificates.WeuCertificate(0);
        int offset = MaaSigningCertificates.QuoteOffset(der, key.Certificate!.EmbeddedQuote!.Value.Span);
        byte[] flipped = (byte[])der.Clone();
        flipped[offset + 48 + 304] ^= 0x01;
        MaaSigningKey tampered = key with { Certificate = MaaSigningCertificate.Parse(flipped, kid) };
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => Verifier(source, SgxFixtures.SecretNetworkCrlTime, required: true).RequireAcceptedAsync(tampered).AsTask());
        Assert.Equal(AttestationFailureKind.BadSignature, ex.Kind);

        // Key 1's quote in key 0's certificate: the quote does not bind the certificate's key.
        (byte[] der1, string kid1) = MaaSigningCertificates.WeuCertificate(1);
        byte[] quote1 = MaaSigningCertificate.Parse(der1, kid1).EmbeddedQuote!.Value.ToArray();
        X509Certificate2 swapped = MaaSigningCertificates.SelfSigned(s_key.Value, MaaSigningCertificates.Extension(quote1), s_from, s_from.AddYears(5));
        MaaSigningKey swappedKey = key with { Certificate = MaaSigningCertificate.Parse(swapped.RawData, kid1) };
        Assert.Equal(AttestationFailureKind.ReportDataMismatch, (await Assert.ThrowsAsync<AttestationException>(() => Verifier(source, SgxFixtures.SecretNetworkCrlTime, required: true).RequireAcceptedAsync(swappedKey).AsTask())).Kind);
    }

    [TestDataFact]
    public async Task AnMaaCertificateWhoseQuoteBindsItsKeyVerifiesEndToEnd()
    {
        using Rebuilt rebuilt = await Rebuilt.CreateAsync();
        MaaSignerQuoteVerifier verifier = new(new MaaSignerQuoteOptions { AcceptedEnclaves = [MaaSigningCertificates.SharedWeuEnclave], RequireQuote = true }, rebuilt.Sgx);
        MaaSigningKey key = KeyOf(rebuilt.Certificate);
        Assert.Equal("sgx:0d4a58405ba5bcae05ed22f3bfe71d80a5c86bef76f5a9840dcc17f61d0a7e39", await verifier.RequireAcceptedAsync(key));

        // The same through a token: MaaEvidenceVerifier reports the outcome.
        JsonObject claims = MaaTokenVerifierTests.Claims();
        string token = MaaTestTokens.Sign(rebuilt.Key, claims);
        MaaEvidenceVerifier evidenceVerifier = new(
            new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] },
            FixedTimeProvider.At("2025-01-01T00:00:00Z"),
            new MaaEvidenceVerifierTests.JwksCollateral(MaaSigningCertificates.Jwks(rebuilt.Certificate)),
            verifier);
        VerifiedEvidence evidence = await evidenceVerifier.VerifyAsync(Encoding.UTF8.GetBytes(token), Encoding.ASCII.GetBytes("nonce"));
        Assert.Equal("sgx:0d4a58405ba5bcae05ed22f3bfe71d80a5c86bef76f5a9840dcc17f61d0a7e39", evidence.PlatformIds[MaaSignerQuoteVerifier.PlatformIdKey]);
    }

    [TestDataFact]
    public async Task ATokenSignedByAnExpiredOrMismatchedCertificateIsRefused()
    {
        using Rebuilt rebuilt = await Rebuilt.CreateAsync();
        string token = MaaTestTokens.Sign(rebuilt.Key, MaaTokenVerifierTests.Claims());
        MaaTokenVerifier tokens = new(new MaaTokenOptions { AllowedIssuers = ["https://test.attest.azure.net"] }, FixedTimeProvider.At("2025-01-01T00:00:00Z"));

        // Expired: the same key, a certificate that ended before the token's time.
        X509Certificate2 expired = MaaSigningCertificates.SelfSigned(rebuilt.Key, null, s_from.AddYears(-3), s_from);
        AttestationException ex = Assert.Throws<AttestationException>(() => tokens.Verify(token, MaaSigningKeys.Parse(MaaSigningCertificates.Jwks(expired))));
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, ex.Kind);

        // Wrong key: the JWK's n/e are another key than the certificate's.
        using RSA other = RSA.Create(2048);
        Assert.Equal(AttestationFailureKind.UntrustedChain, Assert.Throws<AttestationException>(() => MaaSigningKeys.Parse(MaaSigningCertificates.Jwks(rebuilt.Certificate, other))).Kind);

        // Not self-signed: a certificate for the key issued by another key.
        CertificateRequest request = new("CN=https://test.attest.azure.net", rebuilt.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 issuer = new CertificateRequest("CN=https://test.attest.azure.net", other, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(s_from, s_from.AddYears(5));
        X509Certificate2 foreign = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(other, RSASignaturePadding.Pkcs1), s_from, s_from.AddYears(5), [1]);
        ex = Assert.Throws<AttestationException>(() => tokens.Verify(token, MaaSigningKeys.Parse(MaaSigningCertificates.Jwks(foreign))));
        Assert.Equal(AttestationFailureKind.UntrustedChain, ex.Kind);

        // Matching n/e and a current self-signed certificate: accepted.
        Assert.Equal("test-kid", tokens.Verify(token, MaaSigningKeys.Parse(MaaSigningCertificates.Jwks(rebuilt.Certificate, rebuilt.Key))).KeyId);
    }

    [TestDataFact]
    public async Task AMissingQuoteIsRefusedOnlyWhenRequired()
    {
        using Rebuilt rebuilt = await Rebuilt.CreateAsync();
        X509Certificate2 plain = MaaSigningCertificates.SelfSigned(rebuilt.Key, null, s_from, s_from.AddYears(5));
        MaaSigningKey noQuote = KeyOf(plain);
        MaaSigningKey noCertificate = MaaSigningKeys.Parse(MaaTestTokens.JwksFor(rebuilt.Key)).TryGetSigningKey("test-kid", out MaaSigningKey? k) ? k : throw new InvalidOperationException();

        MaaSignerQuoteVerifier required = new(new MaaSignerQuoteOptions { AcceptedEnclaves = [MaaSigningCertificates.SharedWeuEnclave], RequireQuote = true }, rebuilt.Sgx);
        Assert.Equal(AttestationFailureKind.PolicyViolation, (await Assert.ThrowsAsync<AttestationException>(() => required.RequireAcceptedAsync(noQuote).AsTask())).Kind);
        Assert.Equal(AttestationFailureKind.PolicyViolation, (await Assert.ThrowsAsync<AttestationException>(() => required.RequireAcceptedAsync(noCertificate).AsTask())).Kind);

        MaaSignerQuoteVerifier optional = new(new MaaSignerQuoteOptions { AcceptedEnclaves = [MaaSigningCertificates.SharedWeuEnclave] }, rebuilt.Sgx);
        Assert.Equal("absent", await optional.RequireAcceptedAsync(noQuote));
        Assert.Equal("no-certificate", await optional.RequireAcceptedAsync(noCertificate));
        Assert.Equal("not-checked", await MaaSignerQuoteVerifier.NotChecking.RequireAcceptedAsync(KeyOf(rebuilt.Certificate)));
    }

    [Fact]
    public void OptionsThatCannotBeMetAreRefusedAtConstruction()
    {
        Assert.Throws<ArgumentException>(() => new MaaSignerQuoteVerifier(new MaaSignerQuoteOptions { RequireQuote = true }, null));
        Assert.Throws<ArgumentException>(() => new MaaSignerQuoteVerifier(new MaaSignerQuoteOptions { AcceptedEnclaves = [new MaaEnclaveIdentity { MrSigner = new byte[32], ProductId = 1 }] }, null));
        Assert.Throws<ArgumentException>(() => new MaaSignerQuoteOptions { AcceptedEnclaves = [new MaaEnclaveIdentity { MrSigner = new byte[31], ProductId = 1 }] }.Validate());
    }

    [Fact]
    public async Task TheQuoteExtensionParserRefusesBadHeadersAndSurvivesRandomValues()
    {
        byte[] quote = RandomNumberGenerator.GetBytes(200);
        Assert.Equal(200, Parse(MaaSigningCertificates.Extension(quote)).EmbeddedQuote!.Value.Length);
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, Assert.Throws<AttestationException>(() => Parse(MaaSigningCertificates.Extension(quote, version: 2))).Kind);
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, Assert.Throws<AttestationException>(() => Parse(MaaSigningCertificates.Extension(quote, type: 1))).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => Parse(MaaSigningCertificates.Extension(quote, size: 201))).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => Parse(MaaSigningCertificates.Extension(quote, size: ulong.MaxValue))).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => Parse(new byte[15])).Kind);

        Random random = new(16);
        for (int i = 0; i < 200; i++)
        {
            byte[] value = MaaSigningCertificates.Extension(quote);
            int flips = random.Next(1, 4);
            for (int j = 0; j < flips; j++)
            {
                value[random.Next(Math.Min(value.Length, 24))] = (byte)random.Next(256);
            }

            value = value[..random.Next(value.Length + 1)];
            try
            {
                MaaSigningCertificate parsed = Parse(value);
                Assert.Equal(value.Length - 16, parsed.EmbeddedQuote!.Value.Length);
            }
            catch (AttestationException)
            {
            }
        }

        // A quote that is no SGX quote fails as a quote, with a typed error.
        MaaSignerQuoteVerifier verifier = new(new MaaSignerQuoteOptions { AcceptedEnclaves = [MaaSigningCertificates.SharedWeuEnclave] }, new SgxQuoteVerifier(new MaaEvidenceVerifierTests.JwksCollateral(null)));
        await Assert.ThrowsAsync<AttestationException>(() => verifier.RequireAcceptedAsync(KeyOf(MaaSigningCertificates.SelfSigned(s_key.Value, MaaSigningCertificates.Extension(quote), s_from, s_from.AddYears(1)))).AsTask());
    }

    private static MaaSigningCertificate Parse(byte[] extension) =>
        MaaSigningCertificate.Parse(MaaSigningCertificates.SelfSigned(s_key.Value, extension, s_from, s_from.AddYears(1)).RawData, "k");

    private static MaaSigningKey KeyOf(X509Certificate2 certificate) =>
        MaaSigningKeys.Parse(MaaSigningCertificates.Jwks(certificate)).TryGetSigningKey("test-kid", out MaaSigningKey? key) ? key : throw new InvalidOperationException();

    private static MaaSigningKey WeuKey(int index)
    {
        (_, string kid) = MaaSigningCertificates.WeuCertificate(index);
        return MaaSigningKeys.Parse(MaaTestTokens.WeuJwks).TryGetSigningKey(kid, out MaaSigningKey? key) ? key : throw new InvalidOperationException();
    }

    private static SgxQuoteVerifier SgxVerifier(ICollateralSource source, DateTimeOffset now) =>
        new(source, SgxQuoteVerifierTests.AcceptAll, new FixedTimeProvider(now));

    private static MaaSignerQuoteVerifier Verifier(ICollateralSource source, DateTimeOffset now, bool required) =>
        new(new MaaSignerQuoteOptions { AcceptedEnclaves = [MaaSigningCertificates.SharedWeuEnclave], RequireQuote = required }, SgxVerifier(source, now));

    /// <summary>
    /// The real MAA quote with its report data rebound to a fresh RSA key, rebuilt by a synthetic Intel PKI, in a
    /// self-signed certificate of that key; dcap-qvl's SGX TCB info re-signed for MAA's FMSPC.
    /// </summary>
    private sealed class Rebuilt : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly SyntheticIntelPki _pki;

        private Rebuilt(SyntheticIntelPki pki, RSA key, X509Certificate2 certificate)
        {
            _pki = pki;
            Key = key;
            Certificate = certificate;
        }

        public RSA Key { get; }

        public X509Certificate2 Certificate { get; }

        public SgxQuoteVerifier Sgx { get; private set; } = null!;

        public static async Task<Rebuilt> CreateAsync()
        {
            (byte[] der, string kid) = MaaSigningCertificates.WeuCertificate(0);
            byte[] quote = MaaSigningCertificate.Parse(der, kid).EmbeddedQuote!.Value.ToArray();
            RSA key = s_key.Value;
            byte[] binding = MaaSigningCertificate.Parse(MaaSigningCertificates.SelfSigned(key, null, s_from, s_from.AddYears(5)).RawData, "k").ExpectedQuoteReportData.ToArray();
            binding.CopyTo(quote, 48 + 320);
            SyntheticIntelPki pki = new(SgxQuote.Parse(quote), TeeType.Sgx, "dcapqvl_sgx_quote_collateral.json");
            X509Certificate2 certificate = MaaSigningCertificates.SelfSigned(key, MaaSigningCertificates.Extension(pki.Quote), s_from, s_from.AddYears(5));
            Rebuilt rebuilt = new(pki, key, certificate);
            DirectoryCollateralSource source = await pki.WriteCollateralAsync(rebuilt._dir.Path, [], [], ForMaaPlatform);
            rebuilt.Sgx = new SgxQuoteVerifier(source, SgxQuoteVerifierTests.AcceptAll, new FixedTimeProvider(SgxFixtures.DcapQvlTime), null, pki.Root);
            return rebuilt;
        }

        // MAA's FMSPC, and every level's SVNs lowered to 0 so that its first level (SWHardeningNeeded) applies to MAA's PCK.
        private static string ForMaaPlatform(string tcbInfo) =>
            System.Text.RegularExpressions.Regex.Replace(
                tcbInfo.Replace("\"fmspc\":\"00A067110000\"", "\"fmspc\":\"00906ED50000\"", StringComparison.Ordinal),
                "\"(svn|pcesvn)\":\\d+",
                "\"$1\":0");

        public void Dispose()
        {
            _pki.Dispose();
            _dir.Dispose();
        }
    }
}
