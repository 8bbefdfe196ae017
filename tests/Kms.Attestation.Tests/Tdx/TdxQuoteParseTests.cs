using Kms.Attestation.Intel;
using Kms.Attestation.Tdx;
using Kms.Attestation.X509;

namespace Kms.Attestation.Tests.Tdx;

public sealed class TdxQuoteParseTests
{
    [TestDataTheory]
    [InlineData("dcapqvl_quote-from-tappd_v4.bin", 4, 2, 4936)]
    [InlineData("dcapqvl_tdx-quote-hex_v4.bin", 4, 2, 4936)]
    [InlineData("dcapqvl_tdx_quote_v4.bin", 4, 2, 4936)]
    [InlineData("dcapqvl_tdx_quote_outdated_v5.bin", 5, 3, 5006)]
    [InlineData("gotdxguest_cos-113-tdx-quote_v4_padded.dat", 4, 2, 4935)]
    [InlineData("gotdxguest_quote_v5_sample.dat", 5, 3, 5006)]
    [InlineData("gotdxguest_tdx_prod_quote_SPR_E4_v4.dat", 4, 2, 4935)]
    [InlineData("trustee_azure_tdx_td-quote_v4.bin", 4, 2, 4936)]
    [InlineData("trustee_tdx_quote_4_v4_debug.dat", 4, 2, 4936)]
    [InlineData("trustee_tdx_quote_5_v5.dat", 5, 3, 5006)]
    [InlineData("trustee_tdx_quote_6_v4.dat", 4, 2, 4936)]
    public void EveryRealQuoteParses(string name, int version, int bodyType, int quoteLength)
    {
        byte[] raw = TdxFixtures.Quote(name);
        TdxQuote quote = TdxQuote.Parse(raw);

        Assert.Equal(version, quote.Version);
        Assert.Equal(TdxQuote.EcdsaP256KeyType, quote.AttestationKeyType);
        Assert.Equal(TdxQuote.TdxTeeType, quote.TeeType);
        Assert.Equal(bodyType, quote.BodyType);
        Assert.Equal(bodyType == 3 ? TdxQuote.Tdx15BodySize : TdxQuote.Tdx10BodySize, quote.Body.Length);
        Assert.Equal(raw.Length - quoteLength, quote.TrailingByteCount);
        Assert.True(quote.QeVendorId.Span.SequenceEqual(TdxQuote.IntelQeVendorId));
        Assert.Equal(TdxQuote.QeReportSize, quote.QeReport.Length);
        Assert.Equal(3, PemCertificates.Parse(quote.PckCertChainPem.Span).Length);
        Assert.Equal(version == 4 ? 632 : 54 + quote.Body.Length, quote.SignedRegion.Length);

        TdxMeasurements m = quote.ToMeasurements();
        Assert.Equal(4, m.Rtmrs.Count);
        Assert.All(m.Rtmrs, r => Assert.Equal(48, r.Length));
        Assert.Equal(bodyType == 3, m.MrServiceTd is not null);
    }

    [TestDataFact]
    public void DcapQvlV4MeasurementsMatchDcapQvlSnapshot()
    {
        // dcap-qvl tests/snapshots/verify_quote__could_parse_tdx_quote.snap.
        TdxQuote quote = TdxQuote.Parse(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"));
        TdxMeasurements m = quote.ToMeasurements();
        Assert.Equal("06010300000000000000000000000000", Convert.ToHexStringLower(m.TeeTcbSvn.Span));
        Assert.Equal("5b38e33a6487958b72c3c12a938eaa5e3fd4510c51aeeab58c7d5ecee41d7c436489d6c8e4f92f160b7cad34207b00c1", Convert.ToHexStringLower(m.MrSeam.Span));
        Assert.Equal("0000001000000000", Convert.ToHexStringLower(m.TdAttributes.Span));
        Assert.Equal("e702060000000000", Convert.ToHexStringLower(m.Xfam.Span));
        Assert.Equal("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7", Convert.ToHexStringLower(m.MrTd.Span));
        Assert.Equal("44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0", Convert.ToHexStringLower(m.Rtmrs[0].Span));
        Assert.True(m.Rtmrs[3].Span.IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal("889b7d6ff9df2405b240a830e73faf3d00000000", Convert.ToHexStringLower(quote.UserData.Span));
        Assert.False(quote.IsDebug);
    }

    [TestDataFact]
    public void GoTdxGuestPckExtensionsMatchItsTest()
    {
        // go-tdx-guest verify_test.go TestPckCertificateExtensions.
        TdxQuote quote = TdxQuote.Parse(TdxFixtures.Quote("gotdxguest_tdx_prod_quote_SPR_E4_v4.dat"));
        PckCertificateExtensions ext = PckCertificateExtensions.Read(PemCertificates.Parse(quote.PckCertChainPem.Span)[0]);
        Assert.Equal(new byte[] { 8, 157, 223, 219, 156, 3, 89, 200, 42, 59, 199, 113, 146, 57, 87, 78 }, ext.Ppid.ToArray());
        Assert.Equal(new byte[] { 80, 128, 111, 0, 0, 0 }, ext.Fmspc.ToArray());
        Assert.Equal(new byte[] { 0, 0 }, ext.PceId.ToArray());
        Assert.Equal(11, ext.PceSvn);
        Assert.Equal(new byte[] { 3, 3, 2, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 }, ext.SgxTcbComponents.ToArray());
    }

    [TestDataFact]
    public void TrusteeDebugQuoteHasTheDebugAttribute()
    {
        Assert.True(TdxQuote.Parse(TdxFixtures.Quote("trustee_tdx_quote_4_v4_debug.dat")).IsDebug);
    }

    [TestDataFact]
    public void GoTdxGuestSprQuoteCarriesItsTestingExtraBytes()
    {
        byte[] raw = TdxFixtures.Quote("gotdxguest_tdx_prod_quote_SPR_E4_v4.dat");
        TdxQuote quote = TdxQuote.Parse(raw);
        Assert.Equal("\nextra bytes(only for testing purpose)\n", System.Text.Encoding.ASCII.GetString(raw.AsSpan(raw.Length - quote.TrailingByteCount)));
    }

    [TestDataFact]
    public void AnAzureHclReportIsNotATdxQuote()
    {
        AttestationException ex = Assert.Throws<AttestationException>(() => TdxQuote.Parse(TdxFixtures.Quote("trustee_azure_tdx_hcl-report.bin")));
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, ex.Kind);
    }

    [TestDataTheory]
    [InlineData(0, 3, AttestationFailureKind.UnsupportedVersion)] // version 3
    [InlineData(2, 3, AttestationFailureKind.UnsupportedVersion)] // attestation key type 3
    [InlineData(4, 0x00, AttestationFailureKind.UnsupportedVersion)] // TEE type 0 (SGX)
    [InlineData(48, 4, AttestationFailureKind.UnsupportedVersion)] // v5 body type 4
    [InlineData(50, 0x10, AttestationFailureKind.Malformed)] // v5 body size ≠ 648
    public void HeaderFieldsAreChecked(int offset, byte value, AttestationFailureKind kind)
    {
        byte[] raw = TdxFixtures.Quote("gotdxguest_quote_v5_sample.dat");
        raw[offset] = value;
        Assert.Equal(kind, Assert.Throws<AttestationException>(() => TdxQuote.Parse(raw)).Kind);
    }
}
