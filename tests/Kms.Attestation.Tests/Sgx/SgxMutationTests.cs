using System.Buffers.Binary;
using Kms.Attestation.Collateral;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Sgx;

/// <summary>
/// Every byte of a real SGX quote, flipped, makes full verification fail; signed and certified bytes fail with the kind
/// that names the broken link. dcap-qvl's quote is verified with its collateral; the quotes without collateral are
/// checked as far as no collateral is needed (their signatures come first).
/// </summary>
public sealed class SgxMutationTests : IAsyncLifetime
{
    // v3 layout: header 0..48, body 48..432, signature data length 432..436, signature 436..500, attestation key
    // 500..564, QE report 564..948, QE report signature 948..1012, QE auth data length 1012..1014, QE auth data, then
    // certification data type, size and the PCK chain.
    private const int BodyEnd = 432;
    private const int SignatureStart = 436;
    private const int QeReportSignatureEnd = 1012;
    private const int AuthStart = 1014;

    private static readonly SgxVerificationPolicy s_policy = SgxVerificationPolicy.Default.Accepting(TcbStatus.ConfigurationAndSWHardeningNeeded);

    private readonly TempDirectory _dir = new();
    private SgxQuoteVerifier? _verifier;

    public async Task InitializeAsync()
    {
        if (TestData.Root is not null)
        {
            DirectoryCollateralSource source = await SgxFixtures.FromDcapQvlAsync(_dir.Path);
            _verifier = new SgxQuoteVerifier(source, s_policy, new FixedTimeProvider(SgxFixtures.DcapQvlTime));
        }
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [TestDataFact]
    public async Task TheUnmodifiedQuoteVerifies()
    {
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, (await _verifier!.VerifyAsync(quote, SgxFixtures.ReportData(quote))).TcbStatus);
    }

    [TestDataFact]
    public async Task FlippingAnyByteOfTheQuoteFails()
    {
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        byte[] expected = SgxFixtures.ReportData(quote);
        int authEnd = AuthStart + BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(AuthStart - 2));
        int chainStart = authEnd + 6;
        for (int position = 0; position < quote.Length; position++)
        {
            byte[] flipped = Flip(quote, position);
            if (position >= chainStart && SameCertificates(quote.AsSpan(chainStart), flipped.AsSpan(chainStart)))
            {
                // PEM framing (line breaks, the trailing NUL) is not signed; a flip there that leaves every
                // certificate's DER unchanged may verify, and must verify to the same result.
                Assert.Equal(TcbStatus.ConfigurationAndSWHardeningNeeded, (await _verifier!.VerifyAsync(flipped, expected)).TcbStatus);
                continue;
            }

            AttestationFailureKind kind = await FailureAsync(_verifier!, flipped, expected);
            AttestationFailureKind[] allowed = position switch
            {
                < 8 => [AttestationFailureKind.UnsupportedVersion],
                >= 12 and < 28 => [AttestationFailureKind.UnsupportedVersion], // QE vendor id
                < BodyEnd => [AttestationFailureKind.BadSignature],
                < SignatureStart => [AttestationFailureKind.Malformed],
                < QeReportSignatureEnd => [AttestationFailureKind.BadSignature],
                < AuthStart => [AttestationFailureKind.Malformed, AttestationFailureKind.UnsupportedVersion],
                _ when position < authEnd => [AttestationFailureKind.BadSignature],
                _ when position < authEnd + 6 => [AttestationFailureKind.Malformed, AttestationFailureKind.UnsupportedVersion],
                _ => [AttestationFailureKind.UntrustedChain, AttestationFailureKind.Malformed, AttestationFailureKind.BadSignature, AttestationFailureKind.UnsupportedVersion],
            };
            Assert.True(allowed.Contains(kind), $"flip at {position} gave {kind}");
        }
    }

    [TestDataTheory]
    [InlineData(SgxFixtures.SecretNetwork)]
    [InlineData(SgxFixtures.TrusteeOcclum)]
    public async Task WithoutCollateralFlippingAnySignedByteIsStillBadSignature(string name)
    {
        using TempDirectory empty = new();
        SgxQuoteVerifier verifier = new(new DirectoryCollateralSource(empty.Path), SgxQuoteVerifierTests.AcceptAll, new FixedTimeProvider(SgxFixtures.ChainTime));
        byte[] quote = SgxFixtures.Quote(name);
        byte[] expected = SgxFixtures.ReportData(quote);
        int authEnd = AuthStart + BinaryPrimitives.ReadUInt16LittleEndian(quote.AsSpan(AuthStart - 2));
        IEnumerable<int> signed = Enumerable.Range(8, 4) // QE SVN, PCE SVN
            .Concat(Enumerable.Range(28, BodyEnd - 28)) // user data, body
            .Concat(Enumerable.Range(SignatureStart, QeReportSignatureEnd - SignatureStart)) // signature, key, QE report, its signature
            .Concat(Enumerable.Range(AuthStart, authEnd - AuthStart)); // QE auth data
        foreach (int position in signed)
        {
            Assert.Equal(AttestationFailureKind.BadSignature, await FailureAsync(verifier, Flip(quote, position), expected));
        }

        Assert.Equal(AttestationFailureKind.MissingCollateral, await FailureAsync(verifier, quote, expected));
    }

    [TestDataFact]
    public async Task EveryTruncationFailsVerificationCleanly()
    {
        byte[] quote = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        byte[] expected = SgxFixtures.ReportData(quote);
        for (int length = 0; length < quote.Length; length++)
        {
            Assert.Equal(AttestationFailureKind.Malformed, await FailureAsync(_verifier!, quote[..length], expected));
        }
    }

    private static bool SameCertificates(ReadOnlySpan<byte> originalPem, ReadOnlySpan<byte> flippedPem)
    {
        try
        {
            byte[][] original = [.. Kms.Attestation.X509.PemCertificates.Parse(originalPem).Select(c => c.RawData)];
            byte[][] flipped = [.. Kms.Attestation.X509.PemCertificates.Parse(flippedPem).Select(c => c.RawData)];
            return original.Length == flipped.Length && original.Zip(flipped).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        }
        catch (AttestationException)
        {
            return false;
        }
    }

    private static byte[] Flip(byte[] quote, int position)
    {
        byte[] copy = (byte[])quote.Clone();
        copy[position] ^= 0x01;
        return copy;
    }

    private static async Task<AttestationFailureKind> FailureAsync(SgxQuoteVerifier verifier, byte[] quote, byte[] expected)
    {
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(async () => await verifier.VerifyAsync(quote, expected));
        return ex.Kind;
    }
}
