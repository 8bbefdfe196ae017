using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Signing;
using Kms.Crypto.Tests.Rsa;

namespace Kms.Crypto.Tests.Signing;

public sealed class AdminRequestSignatureTests
{
    private const string KeyId = "ops-1";
    private const string Target = "/v1/cluster/init?x=1";
    private static readonly byte[] s_body = "{\"n\":3}"u8.ToArray();
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Message_IsTheDocumentedText()
    {
        byte[] message = AdminRequestSignature.BuildMessage(
            KeyId, "post", Target, "1700000000", "AAAAAAAAAAAAAAAAAAAAAA", s_body);

        Assert.Equal(
            "orleans-kms-admin-request-v1\nops-1\nPOST\n/v1/cluster/init?x=1\n1700000000\nAAAAAAAAAAAAAAAAAAAAAA\n" +
            "215ddd5567ca2590efd4ea109b4e56cbe591e2676fbf54a9262692c539166da6",
            Encoding.UTF8.GetString(message));
        Assert.EndsWith(
            "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Encoding.UTF8.GetString(AdminRequestSignature.BuildMessage(KeyId, "GET", "/", "0", "AAAAAAAAAAAAAAAAAAAAAA", [])),
            StringComparison.Ordinal);
    }

    [Fact]
    public void SignThenVerify_RoundTrips_AndHeadersHaveTheDocumentedShape()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "post", Target, s_body, s_now);

        Assert.Equal(KeyId, headers.KeyId);
        Assert.Equal("1700000000", headers.Timestamp);
        Assert.Equal(32, Base64Url.DecodeFromChars(headers.Nonce).Length);
        Assert.DoesNotContain('=', headers.Nonce);
        Assert.Equal(86, headers.Signature.Length);
        AdminSignatureCheck check = AdminRequestSignature.Verify(
            headers, "POST", Target, s_body, key.ExportSubjectPublicKeyInfo());
        Assert.True(check.IsValid, check.Message);
        Assert.Equal(string.Empty, check.Message);
    }

    [Fact]
    public void Sign_UsesAFreshNoncePerRequest()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        AdminRequestHeaders first = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);
        AdminRequestHeaders second = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);

        Assert.NotEqual(first.Nonce, second.Nonce);
    }

    [Fact]
    public void Verify_RejectsAnotherKeyAndAnyChangedPart()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "POST", Target, s_body, s_now);
        AdminRequestHeaders otherNonce = AdminRequestSignature.Sign(key, KeyId, "POST", Target, s_body, s_now);

        AssertBadSignature(AdminRequestSignature.Verify(headers, "POST", Target, s_body, other.ExportSubjectPublicKeyInfo()));
        AssertBadSignature(AdminRequestSignature.Verify(headers, "PUT", Target, s_body, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers, "POST", "/v1/cluster/init?x=2", s_body, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers, "POST", "/v1/cluster/init", s_body, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers, "POST", Target, "{\"n\":4}"u8, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers, "POST", Target, [], spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers with { KeyId = "ops-2" }, "POST", Target, s_body, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers with { Timestamp = "1700000001" }, "POST", Target, s_body, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers with { Nonce = otherNonce.Nonce }, "POST", Target, s_body, spki));
        AssertBadSignature(AdminRequestSignature.Verify(headers with { Signature = otherNonce.Signature }, "POST", Target, s_body, spki));
    }

    [Fact]
    public void Verify_AcceptsTheHighSTwinOfASignature()
    {
        // Documented choice: malleability is harmless because replay protection tracks the signed nonce.
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);
        byte[] signature = Base64Url.DecodeFromChars(headers.Signature);
        var order = new System.Numerics.BigInteger(
            Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"), isUnsigned: true, isBigEndian: true);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        byte[] twin = (order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(signature, 32, 32);
        twin.CopyTo(signature, 64 - twin.Length);

        AdminSignatureCheck check = AdminRequestSignature.Verify(
            headers with { Signature = Base64Url.EncodeToString(signature) }, "GET", "/", [], key.ExportSubjectPublicKeyInfo());

        Assert.True(check.IsValid, check.Message);
    }

    [RequiresOpenSslFact]
    public void Verify_AcceptsASignatureMadeByOpenSsl()
    {
        using var openssl = new OpenSslCli();
        string keyPath = openssl.PathOf("admin.pem");
        openssl.RunChecked("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath);
        openssl.RunChecked("pkey", "-in", keyPath, "-pubout", "-outform", "DER", "-out", openssl.PathOf("admin.spki"));
        byte[] spki = File.ReadAllBytes(openssl.PathOf("admin.spki"));
        string nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        byte[] message = AdminRequestSignature.BuildMessage(KeyId, "POST", Target, "1700000000", nonce, s_body);
        string messagePath = openssl.Write("message.bin", message);

        openssl.RunChecked("dgst", "-sha256", "-sign", keyPath, "-out", openssl.PathOf("sig.der"), messagePath);
        byte[] p1363 = DerToP1363(File.ReadAllBytes(openssl.PathOf("sig.der")));

        var headers = new AdminRequestHeaders(KeyId, "1700000000", nonce, Base64Url.EncodeToString(p1363));
        AdminSignatureCheck check = AdminRequestSignature.Verify(headers, "POST", Target, s_body, spki);
        Assert.True(check.IsValid, check.Message);
        AssertBadSignature(AdminRequestSignature.Verify(headers, "POST", Target, "{\"n\":4}"u8, spki));
    }

    [RequiresOpenSslFact]
    public void OpenSsl_VerifiesOurSignature()
    {
        using var openssl = new OpenSslCli();
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string publicPath = openssl.Write("admin.pub.pem", key.ExportSubjectPublicKeyInfoPem());
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "POST", Target, s_body, s_now);
        byte[] message = AdminRequestSignature.BuildMessage(KeyId, "POST", Target, headers.Timestamp, headers.Nonce, s_body);

        string output = openssl.RunChecked(
            "dgst", "-sha256", "-verify", publicPath,
            "-signature", openssl.Write("sig.der", P1363ToDer(Base64Url.DecodeFromChars(headers.Signature))),
            openssl.Write("message.bin", message));

        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RejectsKeysThatAreNotP256()
    {
        using ECDsa p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using ECDsa p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using RSA rsa = RSA.Create(2048);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(p256, KeyId, "GET", "/", [], s_now);

        Assert.Equal(AdminSignatureFailure.UnsupportedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], p384.ExportSubjectPublicKeyInfo()).Failure);
        Assert.Equal(AdminSignatureFailure.UnsupportedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], rsa.ExportSubjectPublicKeyInfo()).Failure);
        Assert.Equal(AdminSignatureFailure.MalformedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], []).Failure);
        byte[] trailing = [.. p256.ExportSubjectPublicKeyInfo(), 0];
        Assert.Equal(AdminSignatureFailure.MalformedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], trailing).Failure);
        Assert.Throws<ArgumentException>(() => AdminRequestSignature.Sign(p384, KeyId, "GET", "/", [], s_now));
    }

    [Fact]
    public void Verify_RejectsAPointThatIsNotOnTheCurve()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        spki[^1] ^= 0x01; // the last byte of y: the point leaves the curve

        Assert.Equal(AdminSignatureFailure.MalformedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], spki).Failure);
    }

    [Theory]
    [InlineData(0x06)] // hybrid, y even
    [InlineData(0x07)] // hybrid, y odd
    [InlineData(0x05)]
    public void Verify_RejectsPointEncodingsOtherThanUncompressed(byte prefix)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        Assert.Equal(0x04, spki[^65]);
        spki[^65] = prefix;

        Assert.Equal(AdminSignatureFailure.MalformedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], spki).Failure);
    }

    [Fact]
    public void Verify_RejectsACompressedPoint()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        ECParameters parameters = key.ExportParameters(false);
        byte[] compressed = [.. spki[..^65], (byte)(0x02 | (parameters.Q.Y![31] & 1)), .. parameters.Q.X!];
        compressed[1] -= 32; // outer SEQUENCE length
        compressed[^35] -= 32; // BIT STRING length

        Assert.Equal(AdminSignatureFailure.MalformedPublicKey,
            AdminRequestSignature.Verify(headers, "GET", "/", [], compressed).Failure);
    }

    public static TheoryData<string?, string?, string?, string?, AdminSignatureFailure> MalformedHeaders()
    {
        const string k = KeyId, t = "1700000000", n = "AAAAAAAAAAAAAAAAAAAAAA";
        string s = new('A', 86);
        return new()
        {
            { null, t, n, s, AdminSignatureFailure.MissingKeyId },
            { "", t, n, s, AdminSignatureFailure.MissingKeyId },
            { "ops 1", t, n, s, AdminSignatureFailure.MalformedKeyId },
            { "ops/1", t, n, s, AdminSignatureFailure.MalformedKeyId },
            { "opé", t, n, s, AdminSignatureFailure.MalformedKeyId },
            { new string('a', 65), t, n, s, AdminSignatureFailure.MalformedKeyId },
            { k, null, n, s, AdminSignatureFailure.MissingTimestamp },
            { k, "", n, s, AdminSignatureFailure.MissingTimestamp },
            { k, "+1700000000", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, "-1", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, "01700000000", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, "1700000000.5", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, " 1700000000", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, "１７", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, "253402300800", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, "9999999999999", n, s, AdminSignatureFailure.MalformedTimestamp },
            { k, t, null, s, AdminSignatureFailure.MissingNonce },
            { k, t, "", s, AdminSignatureFailure.MissingNonce },
            { k, t, "AAAAAAAAAAAAAAAAAAAAA", s, AdminSignatureFailure.MalformedNonce }, // 15 bytes
            { k, t, "AAAAAAAAAAAAAAAAAAAAAA==", s, AdminSignatureFailure.MalformedNonce }, // padding
            { k, t, "AAAAAAAAAAAAAAAAAAAAA+", s, AdminSignatureFailure.MalformedNonce }, // base64, not base64url
            { k, t, "AAAAAAAAAAAAAAAAAAAAAB", s, AdminSignatureFailure.MalformedNonce }, // stray trailing bits
            { k, t, "AAAAAAAAAAA AAAAAAAAAA", s, AdminSignatureFailure.MalformedNonce },
            { k, t, new string('A', 87), s, AdminSignatureFailure.MalformedNonce }, // 65 bytes
            { k, t, n, null, AdminSignatureFailure.MissingSignature },
            { k, t, n, "", AdminSignatureFailure.MissingSignature },
            { k, t, n, new string('A', 85), AdminSignatureFailure.MalformedSignature },
            { k, t, n, new string('A', 88), AdminSignatureFailure.MalformedSignature },
            { k, t, n, new string('A', 86) + "==", AdminSignatureFailure.MalformedSignature },
            { k, t, n, new string('A', 85) + "/", AdminSignatureFailure.MalformedSignature },
            { k, t, n, new string('A', 85) + "B", AdminSignatureFailure.MalformedSignature },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void TryParse_NamesTheFirstMalformedHeader_WithoutEchoingIt(
        string? keyId, string? timestamp, string? nonce, string? signature, AdminSignatureFailure expected)
    {
        AdminSignatureCheck check = AdminRequestSignature.TryParse(keyId, timestamp, nonce, signature, out var headers);

        Assert.Equal(expected, check.Failure);
        Assert.Null(headers);
        string header = expected switch
        {
            AdminSignatureFailure.MissingKeyId or AdminSignatureFailure.MalformedKeyId => AdminRequestSignature.KeyIdHeader,
            AdminSignatureFailure.MissingTimestamp or AdminSignatureFailure.MalformedTimestamp => AdminRequestSignature.TimestampHeader,
            AdminSignatureFailure.MissingNonce or AdminSignatureFailure.MalformedNonce => AdminRequestSignature.NonceHeader,
            _ => AdminRequestSignature.SignatureHeader,
        };
        Assert.Contains(header, check.Message, StringComparison.Ordinal);
        foreach (string? value in new[] { keyId, timestamp, nonce, signature })
        {
            if (value is { Length: > 4 })
            {
                Assert.DoesNotContain(value, check.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("253402300799")]
    public void TryParse_AcceptsTimestampsAtTheEdgesOfTheRange(string timestamp)
    {
        AdminSignatureCheck check = AdminRequestSignature.TryParse(
            KeyId, timestamp, "AAAAAAAAAAAAAAAAAAAAAA", new string('A', 86), out var headers);

        Assert.True(check.IsValid, check.Message);
        Assert.Equal(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), headers!.UnixSeconds);
    }

    [Theory]
    [InlineData("get ", AdminSignatureFailure.MalformedMethod)]
    [InlineData("", AdminSignatureFailure.MalformedMethod)]
    [InlineData("G\nET", AdminSignatureFailure.MalformedMethod)]
    [InlineData("GET", AdminSignatureFailure.None)]
    public void Verify_ChecksTheMethod(string method, AdminSignatureFailure expected)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);

        Assert.Equal(expected, AdminRequestSignature.Verify(headers, method, "/", [], key.ExportSubjectPublicKeyInfo()).Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1/keys")]
    [InlineData("http://example.test/v1")]
    [InlineData("*")]
    [InlineData("/v1/keys\n/x")]
    [InlineData("/v1/k eys")]
    [InlineData("/v1/kéys")]
    public void Verify_RejectsTargetsThatAreNotOriginForm(string target)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AdminRequestHeaders headers = AdminRequestSignature.Sign(key, KeyId, "GET", "/", [], s_now);

        Assert.Equal(AdminSignatureFailure.MalformedTarget,
            AdminRequestSignature.Verify(headers, "GET", target, [], key.ExportSubjectPublicKeyInfo()).Failure);
        Assert.Throws<ArgumentException>(() => AdminRequestSignature.Sign(key, KeyId, "GET", target, [], s_now));
    }

    private static void AssertBadSignature(AdminSignatureCheck check)
    {
        Assert.False(check.IsValid);
        Assert.Equal(AdminSignatureFailure.BadSignature, check.Failure);
    }

    // DER SEQUENCE { INTEGER r, INTEGER s } → r‖s, 32 bytes each (read with the framework's ASN.1 reader, not ours).
    private static byte[] DerToP1363(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        AsnReader sequence = reader.ReadSequence();
        byte[] result = new byte[64];
        WriteFixed(sequence.ReadIntegerBytes().Span, result.AsSpan(0, 32));
        WriteFixed(sequence.ReadIntegerBytes().Span, result.AsSpan(32, 32));
        sequence.ThrowIfNotEmpty();
        return result;

        static void WriteFixed(ReadOnlySpan<byte> integer, Span<byte> destination)
        {
            ReadOnlySpan<byte> magnitude = integer.TrimStart((byte)0);
            magnitude.CopyTo(destination[(32 - magnitude.Length)..]);
        }
    }

    private static byte[] P1363ToDer(byte[] p1363)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(p1363.AsSpan(0, 32)));
            writer.WriteIntegerUnsigned(Minimal(p1363.AsSpan(32, 32)));
        }

        return writer.Encode();

        static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
        {
            ReadOnlySpan<byte> trimmed = value.TrimStart((byte)0);
            return trimmed.IsEmpty ? value[^1..] : trimmed;
        }
    }
}
