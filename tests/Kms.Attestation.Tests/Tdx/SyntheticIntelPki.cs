using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kms.Attestation.Collateral;
using Kms.Attestation.Intel;
using Kms.Attestation.Tdx;
using Kms.Attestation.Tests.Intel;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>
/// A stand-in for Intel's PKI (root, PCK Platform CA, TCB signing certificate) so that revocation and TCB statuses can be
/// exercised end to end. A real quote (TDX v4, or SGX v3) is rebuilt as a v4 quote of the same TEE: its header and body
/// are kept (with version 4) and signed by a fresh attestation key, its QE report is kept but binds that key and is
/// signed by a synthetic PCK key whose certificate carries the real PCK's SGX extension. The real dcap-qvl TCB info and
/// QE identity are re-signed by a synthetic TCB signing key; CRLs are built with <see cref="CertificateRevocationListBuilder"/>.
/// </summary>
internal sealed class SyntheticIntelPki : IDisposable
{
    private const string Dn = ", O=Intel Corporation, L=Santa Clara, S=CA, C=US";
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _tcbKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _attestationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly TeeType _tee;
    private readonly string _bundleName;
    private readonly string _fmspc;

    /// <summary>A PKI for dcap-qvl's TDX v4 quote and collateral.</summary>
    public SyntheticIntelPki(byte[] realTdxQuote)
        : this(TdxQuote.Parse(realTdxQuote), TeeType.Tdx, "dcapqvl_tdx_quote_collateral.json")
    {
    }

    /// <param name="quote">The real quote to rebuild.</param>
    /// <param name="tee">Whose collateral the bundle holds.</param>
    /// <param name="bundleName">The dcap-qvl collateral bundle of the quote's platform.</param>
    public SyntheticIntelPki(DcapQuote quote, TeeType tee, string bundleName)
    {
        _tee = tee;
        _bundleName = bundleName;
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

        X509Certificate2 realLeaf = Kms.Attestation.X509.PemCertificates.Parse(quote.PckCertChainPem.Span)[0];
        _fmspc = Convert.ToHexStringLower(PckCertificateExtensions.Read(realLeaf).Fmspc.Span);
        CertificateRequest leafRequest = new("CN=Intel SGX PCK Certificate" + Dn, _leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(realLeaf.Extensions["1.2.840.113741.1.13.1"]!);
        Leaf = leafRequest.Create(Ca, from, to, [0x1E, 0xAF]);

        Quote = Rebuild(quote);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 TcbSigner { get; }

    public X509Certificate2 Leaf { get; }

    /// <summary>The rebuilt v4 quote, signed by the synthetic keys, with the synthetic chain embedded.</summary>
    public byte[] Quote { get; }

    /// <summary>Writes re-signed dcap-qvl collateral and CRLs revoking the given certificates into a cache directory.</summary>
    public async Task<DirectoryCollateralSource> WriteCollateralAsync(
        string directory, X509Certificate2[] revokedByRoot, X509Certificate2[] revokedByCa, Func<string, string>? editTcbInfo = null, Func<string, string>? editQeIdentity = null)
    {
        using JsonDocument bundle = JsonDocument.Parse(TestData.Text(TdxFixtures.CollateralDir + _bundleName));
        JsonElement b = bundle.RootElement;
        string chain = Pem(TcbSigner) + Pem(Root);
        DirectoryCollateralSource source = new(directory);
        await source.PutTcbInfoAsync(_tee, _fmspc, new SignedCollateral(Sign("tcbInfo", (editTcbInfo ?? (t => t))(b.GetProperty("tcb_info").GetString()!)), chain), default);
        await source.PutQeIdentityAsync(_tee, new SignedCollateral(Sign("enclaveIdentity", (editQeIdentity ?? (t => t))(b.GetProperty("qe_identity").GetString()!)), chain), default);
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
        _attestationKey.Dispose();
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

    private byte[] Rebuild(DcapQuote quote)
    {
        byte[] signedRegion = quote.SignedRegion.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(signedRegion, 4);
        ECParameters key = _attestationKey.ExportParameters(false);
        byte[] rawKey = [.. key.Q.X!, .. key.Q.Y!];
        byte[] signatureAndKey = [.. _attestationKey.SignData(signedRegion, HashAlgorithmName.SHA256), .. rawKey];

        // QE REPORTDATA = SHA-256(attestation key ‖ QE authentication data) ‖ 32 zero bytes.
        byte[] qeReport = quote.QeReport.ToArray();
        qeReport.AsSpan(320, 64).Clear();
        SHA256.HashData([.. rawKey, .. quote.QeAuthData.Span], qeReport.AsSpan(320, 32));
        byte[] pem = Encoding.ASCII.GetBytes(Pem(Leaf) + Pem(Ca) + Pem(Root));
        using MemoryStream qe = new();
        qe.Write(qeReport);
        qe.Write(_leafKey.SignData(qeReport, HashAlgorithmName.SHA256));
        WriteUInt16(qe, (ushort)quote.QeAuthData.Length);
        qe.Write(quote.QeAuthData.Span);
        WriteUInt16(qe, 5);
        WriteUInt32(qe, (uint)pem.Length);
        qe.Write(pem);
        return DcapQuoteFrames.V4(signedRegion, signatureAndKey, qe.ToArray());
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
