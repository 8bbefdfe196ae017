using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Intel;
using Kms.Attestation.X509;

namespace Kms.Attestation.Tests.Intel;

public sealed class IntelPrimitivesTests
{
    [Fact]
    public void ThePinnedRootHasThePublishedFingerprint()
    {
        Assert.Equal("44A0196B2B99F889B8E149E95B807A350E7424964399E885A7CBB8CCFAB674D3", Convert.ToHexString(SHA256.HashData(IntelSgxRootCa.Certificate.RawData)));
        Assert.Equal("Intel SGX Root CA", IntelSgxRootCa.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
    }

    [TestDataFact]
    public void ThePinnedRootEqualsTheCorpusCopy()
    {
        Assert.Equal(TestData.Bytes("attestation/certs/intel_sgx_root_ca.der"), IntelSgxRootCa.Certificate.RawData);
    }

    [Fact]
    public void SignedJsonBodyReturnsTheExactServedBytes()
    {
        byte[] body = Encoding.UTF8.GetBytes("{ \"tcbInfo\" : {\"b\":1,  \"a\":[2, 3]} , \"signature\":\"" + new string('a', 128) + "\"}");
        (ReadOnlyMemory<byte> signed, byte[] signature) = SignedJsonBody.Split(body, "tcbInfo");
        Assert.Equal("{\"b\":1,  \"a\":[2, 3]}", Encoding.UTF8.GetString(signed.Span));
        Assert.Equal(64, signature.Length);
    }

    [Theory]
    [InlineData("{\"tcbInfo\":{}}")] // no signature
    [InlineData("{\"tcbInfo\":{},\"signature\":\"00\"}")] // short signature
    [InlineData("{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"\"}")] // duplicate member
    [InlineData("{\"tcbInfo\":[],\"signature\":\"\"}")] // not an object
    [InlineData("{\"tcbInfo\":{}")] // truncated
    [InlineData("[]")]
    [InlineData("")]
    [InlineData("{\"tcbInfo\":{}} trailing")]
    public void SignedJsonBodyRefusesMalformedBodies(string json)
    {
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => SignedJsonBody.Split(Encoding.UTF8.GetBytes(json), "tcbInfo")).Kind);
    }

    [TestDataFact]
    public void MutatedTcbInfoAndQeIdentityOnlyThrowAttestationException()
    {
        byte[] tcb = SignedJsonBody.Split(TestData.Bytes("attestation/collateral/trustee_tcbInfo_TDX_fmspc00A06D080000.json"), "tcbInfo").Signed.ToArray();
        byte[] qe = SignedJsonBody.Split(TestData.Bytes("attestation/collateral/trustee_enclaveIdentity_TD_QE.json"), "enclaveIdentity").Signed.ToArray();
        Assert.NotEmpty(TdxTcbInfo.Parse(tcb).TdxModuleIdentities);
        Assert.Equal("TD_QE", EnclaveIdentity.Parse(qe).Id);
        Random random = new(99);
        for (int i = 0; i < 1500; i++)
        {
            foreach (byte[] source in new[] { tcb, qe })
            {
                byte[] data = (byte[])source.Clone();
                data[random.Next(data.Length)] = (byte)random.Next(32, 127);
                try
                {
                    if (source == tcb)
                    {
                        TdxTcbInfo.Parse(data);
                    }
                    else
                    {
                        EnclaveIdentity.Parse(data);
                    }
                }
                catch (AttestationException)
                {
                }
            }
        }
    }

    [Fact]
    public void PemParsingRefusesGarbage()
    {
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => PemCertificates.Parse("no pem here")).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => PemCertificates.Parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => PemCertificates.Parse(new byte[] { 0xFF, 0xFE, 0x00 })).Kind);
        string nine = string.Concat(Enumerable.Repeat(IntelSgxRootCa.Pem + "\n", 9));
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => PemCertificates.Parse(nine)).Kind);
    }

    [Fact]
    public void PckExtensionParserRefusesTruncatedDer()
    {
        // SEQUENCE { SEQUENCE { OID 1.2.840.113741.1.13.1.4, OCTET STRING (6) } } without PPID/TCB/PCE id.
        byte[] der = Convert.FromHexString("30143012060a2a864886f84d010d010404060102030405");
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => PckCertificateExtensions.Parse(der)).Kind);
        for (int length = 0; length < der.Length; length++)
        {
            Assert.Throws<AttestationException>(() => PckCertificateExtensions.Parse(der.AsMemory(0, length)));
        }
    }
}
