using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Kms.Attestation.Azure;

namespace Kms.Attestation.Tests.Azure;

/// <summary>The signing certificates of the sharedweu JWKS snapshot, and helpers to build MAA-style certificates.</summary>
internal static class MaaSigningCertificates
{
    /// <summary>The enclave behind both sharedweu certificates (read from their quotes).</summary>
    public static readonly MaaEnclaveIdentity SharedWeuEnclave = new()
    {
        MrSigner = Convert.FromHexString("74ba5fba208571cf99e1f7158e6536a05bbb6ce7807eef8f6a97f64a7af64b83"),
        ProductId = 1,
        MinimumSvn = 1,
        MrEnclave = Convert.FromHexString("0d4a58405ba5bcae05ed22f3bfe71d80a5c86bef76f5a9840dcc17f61d0a7e39"),
    };

    public static JsonObject WeuJwks() =>
        (JsonObject)JsonNode.Parse(string.Join('\n', MaaTestTokens.WeuJwks.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal))))!;

    /// <summary>The DER x5c leaf of the snapshot's key <paramref name="index"/> and its kid.</summary>
    public static (byte[] Der, string Kid) WeuCertificate(int index)
    {
        JsonObject key = (JsonObject)WeuJwks()["keys"]![index]!;
        return (Convert.FromBase64String(key["x5c"]![0]!.GetValue<string>()), key["kid"]!.GetValue<string>());
    }

    /// <summary>The offset of the quote (after the 16-byte evidence header) inside a certificate's DER.</summary>
    public static int QuoteOffset(byte[] der, ReadOnlySpan<byte> quote) => der.AsSpan().IndexOf(quote);

    /// <summary>The extension value MAA uses: Open Enclave evidence header (version 1, type 2, size) + quote.</summary>
    public static byte[] Extension(ReadOnlySpan<byte> quote, uint version = 1, uint type = 2, ulong? size = null)
    {
        byte[] value = new byte[16 + quote.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(value, version);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(4), type);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(8), size ?? (ulong)quote.Length);
        quote.CopyTo(value.AsSpan(16));
        return value;
    }

    /// <summary>A self-signed RS256 certificate for <paramref name="key"/>, optionally with an extension value under the MAA quote OID.</summary>
    public static X509Certificate2 SelfSigned(RSA key, byte[]? quoteExtension, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        CertificateRequest request = new("CN=https://test.attest.azure.net", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        if (quoteExtension is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(MaaSigningCertificate.QuoteExtensionOid, quoteExtension, critical: false));
        }

        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A JWKS with one key (kid "test-kid") given by its certificate and, optionally, by n/e.</summary>
    public static string Jwks(X509Certificate2 certificate, RSA? nAndE = null, string kid = "test-kid")
    {
        JsonObject key = new()
        {
            ["kty"] = "RSA",
            ["kid"] = kid,
            ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)),
        };
        if (nAndE is not null)
        {
            RSAParameters p = nAndE.ExportParameters(false);
            key["n"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Modulus);
            key["e"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Exponent);
        }

        return new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString();
    }
}
