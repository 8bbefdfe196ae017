using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tdx;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>
/// A stand-in for Intel's PKI (root, PCK Platform CA, TCB signing certificate) so that revocation can be exercised end
/// to end: the real dcap-qvl quote keeps its attestation key and quote signature, its QE report is re-signed by a
/// synthetic PCK key whose certificate carries the real PCK's SGX extension, and the real TCB info / QE identity are
/// re-signed by a synthetic TCB signing key. CRLs are built with <see cref="CertificateRevocationListBuilder"/>.
/// </summary>
internal sealed class SyntheticIntelPki : IDisposable
{
    private const string Dn = ", O=Intel Corporation, L=Santa Clara, S=CA, C=US";
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _tcbKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SyntheticIntelPki(byte[] realQuote)
    {
        DateTimeOffset from = TdxFixtures.DcapQvlTime.AddYears(-1);
        DateTimeOffset to = TdxFixtures.DcapQvlTime.AddYears(1);

        CertificateRequest rootRequest = new("CN=Intel SGX Root CA" + Dn, _rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = rootRequest.CreateSelfSigned(from, to.AddYears(10));

        CertificateRequest caRequest = new("CN=Intel SGX PCK Platform CA" + Dn, _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.Create(Root, from, to, [0x0C, 0xA0]).CopyWithPrivateKey(_caKey);

        CertificateRequest tcbRequest = new("CN=Intel SGX TCB Signing" + Dn, _tcbKey, HashAlgorithmName.SHA256);
        TcbSigner = tcbRequest.Create(Root, from, to, [0x7C, 0xB0]);

        TdxQuote quote = TdxQuote.Parse(realQuote);
        X509Certificate2 realLeaf = Kms.Attestation.X509.PemCertificates.Parse(quote.PckCertChainPem.Span)[0];
        CertificateRequest leafRequest = new("CN=Intel SGX PCK Certificate" + Dn, _leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(realLeaf.Extensions["1.2.840.113741.1.13.1"]!);
        Leaf = leafRequest.Create(Ca, from, to, [0x1E, 0xAF]);

        Quote = Rebuild(quote);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 TcbSigner { get; }

    public X509Certificate2 Leaf { get; }

    /// <summary>The real quote with its QE report re-signed by the synthetic PCK key and the synthetic chain embedded.</summary>
    public byte[] Quote { get; }

    /// <summary>Writes re-signed dcap-qvl collateral and CRLs revoking the given certificates into a cache directory.</summary>
    public async Task<DirectoryCollateralSource> WriteCollateralAsync(string directory, X509Certificate2[] revokedByRoot, X509Certificate2[] revokedByCa, Func<string, string>? editTcbInfo = null)
    {
        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + "dcapqvl_tdx_quote_collateral.json"));
        JsonElement b = bundle.RootElement;
        string chain = Pem(TcbSigner) + Pem(Root);
        DirectoryCollateralSource source = new(directory);
        await source.PutTcbInfoAsync(TeeType.Tdx, "b0c06f000000", new SignedCollateral(Sign("tcbInfo", (editTcbInfo ?? (t => t))(b.GetProperty("tcb_info").GetString()!)), chain), default);
        await source.PutQeIdentityAsync(TeeType.Tdx, new SignedCollateral(Sign("enclaveIdentity", b.GetProperty("qe_identity").GetString()!), chain), default);
        await source.PutCrlAsync("root", Crl(Root, revokedByRoot), default);
        await source.PutCrlAsync("platform", Crl(Ca, revokedByCa), default);
        return source;
    }

    public void Dispose()
    {
        _rootKey.Dispose();
        _caKey.Dispose();
        _tcbKey.Dispose();
        _leafKey.Dispose();
    }

    private byte[] Sign(string member, string json)
    {
        string signature = Convert.ToHexStringLower(_tcbKey.SignData(Encoding.UTF8.GetBytes(json), HashAlgorithmName.SHA256));
        return TdxFixtures.SignedBody(member, json, signature);
    }

    private static byte[] Crl(X509Certificate2 issuer, X509Certificate2[] revoked)
    {
        CertificateRevocationListBuilder builder = new();
        foreach (X509Certificate2 certificate in revoked)
        {
            builder.AddEntry(certificate, TdxFixtures.DcapQvlTime.AddDays(-2));
        }

        return builder.Build(issuer, BigInteger.One, TdxFixtures.DcapQvlTime.AddDays(10), HashAlgorithmName.SHA256, thisUpdate: TdxFixtures.DcapQvlTime.AddDays(-1));
    }

    private static string Pem(X509Certificate2 certificate) => new string(PemEncoding.Write("CERTIFICATE", certificate.RawData)) + "\n";

    private byte[] Rebuild(TdxQuote quote)
    {
        byte[] pem = Encoding.ASCII.GetBytes(Pem(Leaf) + Pem(Ca) + Pem(Root));
        byte[] qeSignature = _leafKey.SignData(quote.QeReport.Span, HashAlgorithmName.SHA256);
        using MemoryStream qe = new();
        qe.Write(quote.QeReport.Span);
        qe.Write(qeSignature);
        WriteUInt16(qe, (ushort)quote.QeAuthData.Length);
        qe.Write(quote.QeAuthData.Span);
        WriteUInt16(qe, 5);
        WriteUInt32(qe, (uint)pem.Length);
        qe.Write(pem);
        byte[] certificationData = qe.ToArray();

        using MemoryStream signatureData = new();
        signatureData.Write(quote.Signature.Span);
        signatureData.Write(quote.AttestationKey.Span);
        WriteUInt16(signatureData, 6);
        WriteUInt32(signatureData, (uint)certificationData.Length);
        signatureData.Write(certificationData);

        using MemoryStream result = new();
        result.Write(quote.SignedRegion.Span);
        WriteUInt32(result, (uint)signatureData.Length);
        signatureData.Position = 0;
        signatureData.CopyTo(result);
        return result.ToArray();
    }

    private static void WriteUInt16(Stream stream, ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        stream.Write(buffer);
    }
}
