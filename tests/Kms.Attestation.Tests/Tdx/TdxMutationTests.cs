using System.Buffers.Binary;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>
/// Every signed or certified part of a real quote, flipped, makes full verification fail with the kind that names the
/// broken link. Uses dcap-qvl's v4 quote and collateral (UpToDate at <see cref="TdxFixtures.DcapQvlTime"/>).
/// </summary>
public sealed class TdxMutationTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private byte[] _quote = [];
    private TdxQuoteVerifier? _verifier;
    private int _authEnd;

    public async Task InitializeAsync()
    {
        if (TestData.Root is null)
        {
            return;
        }

        DirectoryCollateralSource source = await TdxFixtures.FromDcapQvlAsync(_dir.Path, "dcapqvl_tdx_quote_collateral.json");
        _verifier = new TdxQuoteVerifier(source, timeProvider: new FixedTimeProvider(TdxFixtures.DcapQvlTime));
        _quote = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");
        _authEnd = 1220 + BinaryPrimitives.ReadUInt16LittleEndian(_quote.AsSpan(1218));
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    [TestDataFact]
    public async Task TheUnmodifiedQuoteVerifies()
    {
        VerifiedEvidence evidence = await _verifier!.VerifyAsync(_quote, TdxFixtures.ReportData(_quote));
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
    }

    [TestDataFact]
    public async Task FlippingSignedHeaderOrBodyBytesBreaksTheQuoteSignature()
    {
        byte[] expected = TdxFixtures.ReportData(_quote);
        // QE/PCE SVN, user data, and sampled positions across the 584-byte body (incl. report data and TD attributes).
        IEnumerable<int> positions = new[] { 8, 9, 10, 11 }.Concat(Enumerable.Range(28, 20)).Concat(Enumerable.Range(48, 584).Where(i => i % 7 == 0 || i == 48 + 120));
        foreach (int position in positions)
        {
            Assert.Equal(AttestationFailureKind.BadSignature, await FailureAsync(Flip(position), expected));
        }
    }

    [TestDataTheory]
    [InlineData(0, AttestationFailureKind.UnsupportedVersion)]
    [InlineData(2, AttestationFailureKind.UnsupportedVersion)]
    [InlineData(4, AttestationFailureKind.UnsupportedVersion)]
    [InlineData(12, AttestationFailureKind.UnsupportedVersion)] // QE vendor id
    [InlineData(27, AttestationFailureKind.UnsupportedVersion)]
    [InlineData(632, AttestationFailureKind.Malformed)] // signature data length
    [InlineData(764, AttestationFailureKind.UnsupportedVersion)] // certification data type
    [InlineData(766, AttestationFailureKind.Malformed)] // certification data size
    [InlineData(1218, AttestationFailureKind.UnsupportedVersion)] // QE auth data length 0x21: the nested type is read one byte late
    public async Task FlippingStructuralFieldsIsRefused(int position, AttestationFailureKind kind)
    {
        Assert.Equal(kind, await FailureAsync(Flip(position), TdxFixtures.ReportData(_quote)));
    }

    [TestDataFact]
    public async Task FlippingTheSignatureAttestationKeyQeReportOrItsSignatureIsBadSignature()
    {
        byte[] expected = TdxFixtures.ReportData(_quote);
        foreach (int position in Enumerable.Range(636, 64 + 64 + 384 + 64).Select(i => i + 0).Where(i => i < 770 - 6 || i >= 770).Where(i => i % 3 == 0))
        {
            Assert.Equal(AttestationFailureKind.BadSignature, await FailureAsync(Flip(position), expected));
        }

        // QE report signature region.
        foreach (int position in Enumerable.Range(1154, 64))
        {
            Assert.Equal(AttestationFailureKind.BadSignature, await FailureAsync(Flip(position), expected));
        }
    }

    [TestDataFact]
    public async Task FlippingQeAuthDataBreaksTheAttestationKeyBinding()
    {
        Assert.True(_authEnd > 1220, "the sample quote carries QE auth data");
        byte[] expected = TdxFixtures.ReportData(_quote);
        for (int position = 1220; position < _authEnd; position++)
        {
            Assert.Equal(AttestationFailureKind.BadSignature, await FailureAsync(Flip(position), expected));
        }
    }

    [TestDataFact]
    public async Task FlippingThePckChainNeverVerifies()
    {
        byte[] expected = TdxFixtures.ReportData(_quote);
        int chainStart = _authEnd + 6;
        int chainEnd = _quote.Length - TdxQuote.Parse(_quote).TrailingByteCount;
        for (int position = chainStart; position < chainEnd; position += 11)
        {
            AttestationFailureKind kind = await FailureAsync(Flip(position), expected);
            Assert.True(kind is AttestationFailureKind.UntrustedChain or AttestationFailureKind.Malformed or AttestationFailureKind.BadSignature or AttestationFailureKind.UnsupportedVersion,
                $"flip at {position} gave {kind}");
        }
    }

    [TestDataFact]
    public async Task FlippingTrailingBytesChangesNothing()
    {
        TdxQuote parsed = TdxQuote.Parse(_quote);
        Assert.True(parsed.TrailingByteCount > 0);
        byte[] mutated = Flip(_quote.Length - 1);
        VerifiedEvidence evidence = await _verifier!.VerifyAsync(mutated, TdxFixtures.ReportData(_quote));
        Assert.Equal(TcbStatus.UpToDate, evidence.TcbStatus);
    }

    private byte[] Flip(int position)
    {
        byte[] copy = (byte[])_quote.Clone();
        copy[position] ^= 0x01;
        return copy;
    }

    private async Task<AttestationFailureKind> FailureAsync(byte[] quote, byte[] expected)
    {
        AttestationException ex = await Assert.ThrowsAsync<AttestationException>(() => _verifier!.VerifyAsync(quote, expected).AsTask());
        return ex.Kind;
    }
}
