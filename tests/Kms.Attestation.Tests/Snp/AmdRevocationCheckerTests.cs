using Kms.Attestation.Collateral;
using Kms.Attestation.Snp;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Snp;

/// <summary>AMD KDS CRLs: signature by the ARK (RSASSA-PSS), revoked intermediates, missing and expired CRLs by policy, caching by bytes.</summary>
public sealed class AmdRevocationCheckerTests
{
    private static readonly DateTimeOffset s_current = new(2025, 1, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_afterNextUpdate = new(2025, 1, 9, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ACurrentCrlSignedByTheArkPassesAndARevokedIntermediateIsRefused()
    {
        TestAmdPki pki = TestAmdPki.Shared;
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        await source.PutAmdCrlAsync("Milan", "vcek", pki.Crl(), default);
        await source.PutAmdCrlAsync("Milan", "vlek", pki.Crl([pki.Asvk]), default);
        AmdRevocationChecker checker = Checker(source);

        Assert.Equal("current", await checker.RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current));
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => checker.RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vlek, s_current).AsTask());
        Assert.Equal(AttestationFailureKind.Revoked, ex.Kind);
        Assert.Contains("SEV-VLEK-Milan", ex.Message, StringComparison.Ordinal);

        // A new CRL in the source takes effect at the next check (the cache is keyed by the CRL's bytes).
        await source.PutAmdCrlAsync("Milan", "vcek", pki.Crl([pki.Ask]), default);
        Assert.Equal(AttestationFailureKind.Revoked, (await Assert.ThrowsAsync<AttestationException>(() => checker.RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current).AsTask())).Kind);
    }

    [Fact]
    public async Task AMissingOrExpiredCrlFailsClosedUnlessAllowed()
    {
        TestAmdPki pki = TestAmdPki.Shared;
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => Checker(source).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current).AsTask());
        Assert.Equal(AttestationFailureKind.MissingCollateral, ex.Kind);
        Assert.Equal("missing", await Checker(source, new AmdRevocationOptions { AllowMissingCrl = true }).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current));

        await source.PutAmdCrlAsync("Milan", "vcek", pki.Crl(), default);
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, (await Assert.ThrowsAsync<AttestationException>(() => Checker(source).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_afterNextUpdate).AsTask())).Kind);
        Assert.Equal(AttestationFailureKind.ExpiredCollateral, (await Assert.ThrowsAsync<AttestationException>(() => Checker(source).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current.AddDays(-3)).AsTask())).Kind);
        AmdRevocationChecker lenient = Checker(source, new AmdRevocationOptions { AllowExpiredCrl = true });
        Assert.Equal("expired", await lenient.RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_afterNextUpdate));

        // Allowing an expired CRL does not ignore what it says, nor a missing one allow a bad one.
        await source.PutAmdCrlAsync("Milan", "vcek", pki.Crl([pki.Ask]), default);
        Assert.Equal(AttestationFailureKind.Revoked, (await Assert.ThrowsAsync<AttestationException>(() => lenient.RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_afterNextUpdate).AsTask())).Kind);
        await source.PutAmdCrlAsync("Milan", "vcek", new byte[] { 0x30, 0x00 }, default);
        Assert.Equal(AttestationFailureKind.Malformed, (await Assert.ThrowsAsync<AttestationException>(() => Checker(source, new AmdRevocationOptions { AllowMissingCrl = true, AllowExpiredCrl = true }).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current).AsTask())).Kind);
    }

    [Fact]
    public async Task ACrlNotSignedByTheArkTheAmdWayIsRefused()
    {
        TestAmdPki pki = TestAmdPki.Shared;
        var cases = new (string Name, byte[] Crl)[]
        {
            ("another key, the ARK's name", pki.Crl(signer: TestAmdPki.NewKey().Private)),
            ("the ARK's key, another issuer name", pki.Crl(issuer: new Org.BouncyCastle.Asn1.X509.X509Name("CN=ARK-Genoa, O=Advanced Micro Devices"))),
            ("PKCS#1 v1.5 instead of PSS", pki.Crl(algorithm: "SHA384WITHRSA")),
            ("PSS with SHA-256", pki.Crl(algorithm: "SHA256WITHRSAANDMGF1")),
        };
        foreach ((string name, byte[] crl) in cases)
        {
            using TempDirectory dir = new();
            DirectoryCollateralSource source = new(dir.Path);
            await source.PutAmdCrlAsync("Milan", "vcek", crl, default);
            AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => Checker(source, new AmdRevocationOptions { AllowMissingCrl = true, AllowExpiredCrl = true }).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current).AsTask());
            Assert.True(ex.Kind is AttestationFailureKind.BadSignature or AttestationFailureKind.UntrustedChain, $"{name}: {ex.Kind} {ex.Message}");
        }

        // A CRL from the test ARK is not AMD's: the pinned Milan ARK refuses it.
        using TempDirectory real = new();
        DirectoryCollateralSource realSource = new(real.Path);
        await realSource.PutAmdCrlAsync("Milan", "vcek", pki.Crl(), default);
        Assert.Equal(AttestationFailureKind.BadSignature, (await Assert.ThrowsAsync<AttestationException>(() => new AmdRevocationChecker(realSource).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current).AsTask())).Kind);
    }

    [Fact]
    public async Task MutatedCrlsFailWithTypedErrors()
    {
        TestAmdPki pki = TestAmdPki.Shared;
        byte[] valid = pki.Crl([pki.Asvk]);
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        Random random = new(3704);
        for (int i = 0; i < 300; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            int flips = random.Next(1, 4);
            for (int j = 0; j < flips; j++)
            {
                mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            }

            if (random.Next(4) == 0)
            {
                mutated = mutated[..random.Next(mutated.Length)];
            }

            await source.PutAmdCrlAsync("Milan", "vcek", mutated, default);
            await Assert.ThrowsAsync<AttestationException>(() => Checker(source).RequireNotRevokedAsync(SnpProcessorFamily.Milan, SnpSigningKey.Vcek, s_current).AsTask());
        }
    }

    [Fact]
    public async Task TheCollateralSourceServesCrlsOnlyForKnownFamiliesAndKinds()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        await source.PutAmdCrlAsync("Genoa", "vlek", new byte[] { 1, 2, 3 }, default);
        Assert.Equal(new byte[] { 1, 2, 3 }, (await source.GetAmdCrlAsync("Genoa", "vlek", default))!.Value.ToArray());
        Assert.True(File.Exists(Path.Combine(dir.Path, "amd", "crl", "Genoa", "vlek.der")));
        Assert.Null(await source.GetAmdCrlAsync("Genoa", "vcek", default));
        Assert.Null(await source.GetAmdCrlAsync("../Genoa", "vlek", default));
        Assert.Null(await source.GetAmdCrlAsync("Genoa", "../vlek", default));
        await Assert.ThrowsAsync<ArgumentException>(() => source.PutAmdCrlAsync("Naples", "vcek", new byte[] { 1 }, default));
    }

    [RealAmdCrlTheory]
    [InlineData("Milan")]
    [InlineData("Genoa")]
    [InlineData("Turin")]
    public async Task ARealKdsCrlVerifiesWithItsPinnedArk(string family)
    {
        string? path = RealAmdCrlTheoryAttribute.Find(family);
        if (path is null)
        {
            return; // this family's CRL is not in the corpus; the attribute skips when none is
        }

        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        await source.PutAmdCrlAsync(family, "vcek", await File.ReadAllBytesAsync(path), default);
        Kms.Attestation.X509.CertificateRevocationList crl = Kms.Attestation.X509.CertificateRevocationList.Parse(await File.ReadAllBytesAsync(path));
        SnpProcessorFamily f = Enum.Parse<SnpProcessorFamily>(family);
        Assert.Equal("current", await new AmdRevocationChecker(source).RequireNotRevokedAsync(f, SnpSigningKey.Vcek, crl.ThisUpdate.AddSeconds(1)));
    }

    private static AmdRevocationChecker Checker(ICollateralSource source, AmdRevocationOptions? options = null) =>
        new(source, options, null, _ => TestAmdPki.Shared.Chain);
}

/// <summary>Runs only when the corpus holds a real AMD KDS CRL (<c>amd_crl_{Family}.der</c> anywhere under attestation/).</summary>
public sealed class RealAmdCrlTheoryAttribute : TheoryAttribute
{
    public RealAmdCrlTheoryAttribute()
    {
        if (TestData.Root is null || !new[] { "Milan", "Genoa", "Turin" }.Any(f => Find(f) is not null))
        {
            Skip = "No real AMD KDS CRL (amd_crl_{Family}.der) in KMS_TESTDATA; the CRL tests above use BouncyCastle-built CRLs.";
        }
    }

    public static string? Find(string family) =>
        TestData.Root is { } root
            ? Directory.EnumerateFiles(Path.Combine(root, "attestation"), $"*amd_crl_{family}*.der", SearchOption.AllDirectories).FirstOrDefault()
            : null;
}
