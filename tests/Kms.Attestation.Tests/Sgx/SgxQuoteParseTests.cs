using System.Buffers.Binary;
using Kms.Attestation.Intel;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Intel;
using Kms.Attestation.Tdx;
using Kms.Attestation.Tests.Tdx;
using Kms.Attestation.X509;

namespace Kms.Attestation.Tests.Sgx;

public sealed class SgxQuoteParseTests
{
    [TestDataTheory]
    [InlineData(SgxFixtures.DcapQvl, 4600, 10, 15, "00a067110000")]
    [InlineData(SgxFixtures.SecretNetwork, 4604, 10, 15, "00906ed50000")]
    [InlineData(SgxFixtures.TrusteeOcclum, 4733, 8, 13, "00606a000000")]
    public void EveryRealQuoteParses(string name, int length, int qeSvn, int pceSvn, string fmspc)
    {
        byte[] raw = SgxFixtures.Quote(name);
        SgxQuote quote = SgxQuote.Parse(raw);

        Assert.Equal(length, raw.Length);
        Assert.Equal(3, quote.Version);
        Assert.Equal(DcapQuote.EcdsaP256KeyType, quote.AttestationKeyType);
        Assert.Equal(SgxQuote.SgxTeeType, quote.TeeType);
        Assert.Equal(qeSvn, quote.QeSvn);
        Assert.Equal(pceSvn, quote.PceSvn);
        Assert.True(quote.QeVendorId.Span.SequenceEqual(DcapQuote.IntelQeVendorId));
        Assert.Equal(SgxQuote.BodySize, quote.Body.Length);
        Assert.Equal(DcapQuote.HeaderSize + SgxQuote.BodySize, quote.SignedRegion.Length);
        Assert.Equal(DcapQuote.QeReportSize, quote.QeReport.Length);
        Assert.Equal(32, quote.QeAuthData.Length);
        Assert.Equal(0, quote.TrailingByteCount);
        AssertPckChainIsFor(quote, fmspc);
    }

    [TestDataFact]
    public void DcapQvlMeasurementsMatchDcapQvl()
    {
        // dcap-qvl's SGX sample: MRENCLAVE / MRSIGNER as dcap-qvl's own examples pin them; report data "Hello, world!".
        SgxQuote quote = SgxQuote.Parse(SgxFixtures.Quote(SgxFixtures.DcapQvl));
        SgxMeasurements m = quote.ToMeasurements();
        Assert.Equal("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb", Convert.ToHexStringLower(m.MrEnclave.Span));
        Assert.Equal("815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6", Convert.ToHexStringLower(m.MrSigner.Span));
        Assert.Equal(0, m.IsvProdId);
        Assert.Equal(0, m.IsvSvn);
        Assert.Equal("0500000000000000e700000000000000", Convert.ToHexStringLower(m.Attributes.Span));
        Assert.Equal("0b0b1a18ffff04000000000000000000", Convert.ToHexStringLower(m.CpuSvn.Span));
        Assert.Equal(0u, m.MiscSelect);
        Assert.Equal(64, m.ConfigId.Length);
        Assert.Equal(0, m.ConfigSvn);
        Assert.Equal("Hello, world!", System.Text.Encoding.ASCII.GetString(quote.ReportData.Span).TrimEnd('\0'));
        Assert.False(quote.IsDebug);
    }

    [TestDataTheory]
    [InlineData(SgxFixtures.SecretNetwork, "15abbb64470ce2f74791479a8121a08b2fb146b9467a190d3e495925dcdd1cf7")]
    [InlineData(SgxFixtures.TrusteeOcclum, "8f173e4613ff05c52aaf04162d234edae8c9977eae47eb2299ae16a553011c68")]
    public void SecretNetworkAndOcclumQuotesComeFromDebugEnclaves(string name, string mrEnclave)
    {
        // ATTRIBUTES.FLAGS = 0x07: INIT, DEBUG, MODE64BIT.
        SgxQuote quote = SgxQuote.Parse(SgxFixtures.Quote(name));
        Assert.True(quote.IsDebug);
        Assert.Equal(0x07, quote.ToMeasurements().Attributes.Span[0]);
        Assert.Equal(mrEnclave, Convert.ToHexStringLower(quote.ToMeasurements().MrEnclave.Span));
        Assert.Equal("83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e", Convert.ToHexStringLower(quote.ToMeasurements().MrSigner.Span));
    }

    [TestDataFact]
    public void FieldsAreReadAtTheirSgxReportBodyOffsets()
    {
        byte[] raw = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        // Body offsets (+48 for the header): ISVPRODID 256, ISVSVN 258, CONFIGSVN 260, MISCSELECT 16, ISVFAMILYID 304.
        BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(48 + 256), 0x1234);
        BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(48 + 258), 0x0506);
        BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(48 + 260), 0x0708);
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(48 + 16), 0xA1B2C3D4);
        raw[48 + 304] = 0xEE;
        raw[48 + 32] = 0xDD;
        raw[48 + 192] = 0xCC;
        raw[48 + 48] |= SgxQuote.DebugFlag;

        SgxQuote quote = SgxQuote.Parse(raw);
        SgxMeasurements m = quote.ToMeasurements();
        Assert.Equal(0x1234, m.IsvProdId);
        Assert.Equal(0x0506, m.IsvSvn);
        Assert.Equal(0x0708, m.ConfigSvn);
        Assert.Equal(0xA1B2C3D4u, m.MiscSelect);
        Assert.Equal(0xEE, m.IsvFamilyId.Span[0]);
        Assert.Equal(0xDD, m.IsvExtProdId.Span[0]);
        Assert.Equal(0xCC, m.ConfigId.Span[0]);
        Assert.True(quote.IsDebug);
    }

    [TestDataTheory]
    [InlineData(0, 5, AttestationFailureKind.UnsupportedVersion)] // version 5
    [InlineData(0, 2, AttestationFailureKind.UnsupportedVersion)] // version 2 (EPID)
    [InlineData(2, 3, AttestationFailureKind.UnsupportedVersion)] // attestation key type 3 (ECDSA-384)
    [InlineData(4, 0x81, AttestationFailureKind.UnsupportedVersion)] // TEE type TDX
    [InlineData(7, 0x01, AttestationFailureKind.UnsupportedVersion)] // reserved word not zero
    public void HeaderFieldsAreChecked(int offset, byte value, AttestationFailureKind kind)
    {
        byte[] raw = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        raw[offset] = value;
        Assert.Equal(kind, Assert.Throws<AttestationException>(() => SgxQuote.Parse(raw)).Kind);
    }

    [TestDataFact]
    public void TrailingBytesAreRefused()
    {
        byte[] raw = [.. SgxFixtures.Quote(SgxFixtures.DcapQvl), 0];
        AttestationException ex = Assert.Throws<AttestationException>(() => SgxQuote.Parse(raw));
        Assert.Equal(AttestationFailureKind.Malformed, ex.Kind);
        Assert.Contains("after its signature data", ex.Message, StringComparison.Ordinal);
    }

    [TestDataTheory]
    [InlineData(1)] // PPID in clear
    [InlineData(3)] // PPID encrypted with RSA-3072
    [InlineData(6)] // QE report certification data (a v4 form) inside a v3 quote
    [InlineData(7)] // platform manifest
    public void OnlyPckChainCertificationDataIsAccepted(ushort type)
    {
        byte[] raw = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        int typeOffset = 436 + 64 + 64 + 384 + 64 + 2 + 32;
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(typeOffset)));
        BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(typeOffset), type);
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, Assert.Throws<AttestationException>(() => SgxQuote.Parse(raw)).Kind);
    }

    [TestDataFact]
    public void AVersion4QuoteWithAnSgxBodyParsesWithTheSameParts()
    {
        byte[] v3 = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        byte[] v4 = DcapQuoteFrames.SgxV4FromV3(v3);
        SgxQuote a = SgxQuote.Parse(v3);
        SgxQuote b = SgxQuote.Parse(v4);

        Assert.Equal(4, b.Version);
        Assert.True(a.Body.Span.SequenceEqual(b.Body.Span));
        Assert.True(a.Signature.Span.SequenceEqual(b.Signature.Span));
        Assert.True(a.AttestationKey.Span.SequenceEqual(b.AttestationKey.Span));
        Assert.True(a.QeReport.Span.SequenceEqual(b.QeReport.Span));
        Assert.True(a.QeReportSignature.Span.SequenceEqual(b.QeReportSignature.Span));
        Assert.True(a.QeAuthData.Span.SequenceEqual(b.QeAuthData.Span));
        Assert.True(a.PckCertChainPem.Span.SequenceEqual(b.PckCertChainPem.Span));
        Assert.Equal(0, b.TrailingByteCount);
    }

    [TestDataFact]
    public void TdxAndSgxParsersRefuseEachOthersQuotes()
    {
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, Assert.Throws<AttestationException>(() => SgxQuote.Parse(TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin"))).Kind);
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, Assert.Throws<AttestationException>(() => TdxQuote.Parse(SgxFixtures.Quote(SgxFixtures.DcapQvl))).Kind);
        Assert.Equal(AttestationFailureKind.UnsupportedVersion, Assert.Throws<AttestationException>(() => TdxQuote.Parse(DcapQuoteFrames.SgxV4FromV3(SgxFixtures.Quote(SgxFixtures.DcapQvl)))).Kind);
    }

    private static void AssertPckChainIsFor(SgxQuote quote, string fmspc)
    {
        var chain = PemCertificates.Parse(quote.PckCertChainPem.Span);
        Assert.Equal(3, chain.Length);
        Assert.Equal(fmspc, Convert.ToHexStringLower(PckCertificateExtensions.Read(chain[0]).Fmspc.Span));
    }
}
