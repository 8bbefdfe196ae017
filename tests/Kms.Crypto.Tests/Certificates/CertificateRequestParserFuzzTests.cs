using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kms.Crypto.Certificates;
using Kms.Crypto.Pem;

namespace Kms.Crypto.Tests.Certificates;

public sealed class CertificateRequestParserFuzzTests
{
    private static readonly Lazy<string> s_validPem = new(() =>
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=00000000000000000000000000000000000000a1.app", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("app.example.test");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509Extension(CertificateRequestParser.OperatorSignatureOid, new byte[65], critical: false));
        return request.CreateSigningRequestPem();
    });

    [Fact]
    public void ValidBclCsr_Parses()
    {
        ParsedCertificateRequest request = CertificateRequestParser.ParsePem(s_validPem.Value);

        Assert.Equal("00000000000000000000000000000000000000a1.app", request.CommonName);
        Assert.Equal(65, request.OperatorSignature!.Value.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not pem")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n")]
    public void MalformedPem_IsRejected(string pem)
    {
        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(pem));
    }

    [Fact]
    public void PemStrictness_OneBlockRightLabelNoTextBoundedSize()
    {
        string valid = s_validPem.Value;
        string body = valid[valid.IndexOf('\n')..valid.LastIndexOf("-----END", StringComparison.Ordinal)];

        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(valid + valid));
        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem("hello\n" + valid));
        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(valid + "trailing"));
        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(
            "-----BEGIN NEW CERTIFICATE REQUEST-----" + body + "-----END NEW CERTIFICATE REQUEST-----\n"));
        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(new string(' ', 40_000) + valid));
        Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(valid, maxPemLength: 100));
        CertificateRequestParser.ParsePem("\r\n  " + valid + "\n\n");
    }

    [Fact]
    public void StrictPem_RejectsWrongLabel()
    {
        string pem = new(PemEncoding.Write("CERTIFICATE", new byte[] { 1, 2, 3 }));

        Assert.Throws<PemFormatException>(() => StrictPem.DecodeSingle(pem, "PUBLIC KEY", 1000));
        Assert.Equal([1, 2, 3], StrictPem.DecodeSingle(pem, "CERTIFICATE", 1000));
    }

    [Fact]
    public void Fuzz_RandomText_OnlyThrowsCertificateRequestException()
    {
        var random = new Random(2986);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-\n ";
        for (int i = 0; i < 300; i++)
        {
            var text = new StringBuilder();
            if (i % 2 == 0)
            {
                text.Append("-----BEGIN CERTIFICATE REQUEST-----\n");
            }

            int length = random.Next(0, 600);
            for (int j = 0; j < length; j++)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            if (i % 2 == 0)
            {
                text.Append("\n-----END CERTIFICATE REQUEST-----\n");
            }

            Assert.Throws<CertificateRequestException>(() => CertificateRequestParser.ParsePem(text.ToString()));
        }
    }

    [Fact]
    public void Fuzz_MutatedPem_OnlyThrowsCertificateRequestException()
    {
        string valid = s_validPem.Value;
        var random = new Random(7468);
        for (int i = 0; i < 300; i++)
        {
            char[] chars = valid.ToCharArray();
            int position = random.Next(chars.Length);
            chars[position] = "ABab01+/=-\n x"[random.Next(13)];
            string mutated = new string(chars)[..random.Next(chars.Length / 2, chars.Length + 1)];
            try
            {
                CertificateRequestParser.ParsePem(mutated);
            }
            catch (CertificateRequestException)
            {
            }
        }
    }

    [Fact]
    public void Fuzz_MutatedAndRandomDer_OnlyThrowsCertificateRequestException()
    {
        byte[] valid = CertificateRequestParser.ParsePem(s_validPem.Value).Der.ToArray();
        var random = new Random(5280);
        int accepted = 0;
        for (int i = 0; i < 1500; i++)
        {
            byte[] input;
            switch (i % 4)
            {
                case 0:
                    input = (byte[])valid.Clone();
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    input = valid[..random.Next(valid.Length)];
                    break;
                case 2:
                    input = [.. valid, .. new byte[random.Next(1, 8)]];
                    break;
                default:
                    input = new byte[random.Next(0, 400)];
                    random.NextBytes(input);
                    if (input.Length > 1)
                    {
                        input[0] = 0x30;
                    }

                    break;
            }

            try
            {
                CertificateRequestParser.ParseDer(input);
                accepted++;
            }
            catch (CertificateRequestException)
            {
            }
        }

        // Single-bit flips are caught by DER rules or by the self-signature; none may slip through.
        Assert.Equal(0, accepted);
    }
}
