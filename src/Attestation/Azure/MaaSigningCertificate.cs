using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Kms.Attestation.Azure;

/// <summary>
/// The self-signed certificate an Azure Attestation (MAA) instance publishes for a signing key (JWKS <c>x5c[0]</c>), with
/// the SGX quote MAA embeds in it: extension <see cref="QuoteExtensionOid"/> holds an Open Enclave evidence header
/// (version 1, type 2 = SGX ECDSA remote report, 64-bit size, all little endian) followed by an SGX DCAP quote of the
/// enclave that runs the token service.
/// </summary>
/// <remarks>
/// The quote's report data binds the certificate's key the Open Enclave way: its first 32 bytes are SHA-256 of the key's
/// SubjectPublicKeyInfo in PEM ("-----BEGIN PUBLIC KEY-----", 64-column base64, LF line ends, trailing LF) followed by
/// one NUL byte; the last 32 bytes are zero. This was established from the sharedweu JWKS snapshot of the test corpus:
/// both of its certificates satisfy it (and MAA's key id is the same digest in base64). See docs/attestation.md.
/// </remarks>
public sealed class MaaSigningCertificate
{
    /// <summary>The X.509 extension that carries MAA's SGX quote (Microsoft arc 1.3.6.1.4.1.311.105.1).</summary>
    public const string QuoteExtensionOid = "1.3.6.1.4.1.311.105.1";

    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    private const string Sha384WithRsa = "1.2.840.113549.1.1.12";
    private const string Sha512WithRsa = "1.2.840.113549.1.1.13";
    private const int EvidenceHeaderSize = 16;
    private const uint EvidenceHeaderVersion = 1;
    private const uint SgxEcdsaReportType = 2;

    private readonly Lazy<bool> _selfSigned;

    // Read once: X509Certificate2.NotBefore/NotAfter go to the native certificate and convert to local time on every get.
    private readonly DateTimeOffset _notBefore;
    private readonly DateTimeOffset _notAfter;

    private MaaSigningCertificate(X509Certificate2 certificate, RSAParameters key, ReadOnlyMemory<byte>? quote)
    {
        Certificate = certificate;
        Key = key;
        EmbeddedQuote = quote;
        ExpectedQuoteReportData = ComputeReportDataBinding(certificate);
        _selfSigned = new Lazy<bool>(() => VerifySelfSignature(certificate, key));
        _notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        _notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate's RSA public key (modulus and exponent without leading zeros).</summary>
    public RSAParameters Key { get; }

    /// <summary>The SGX quote from <see cref="QuoteExtensionOid"/>, without its evidence header; null when absent.</summary>
    public ReadOnlyMemory<byte>? EmbeddedQuote { get; }

    /// <summary>The 64 report-data bytes a quote must carry to bind this certificate's key (see remarks).</summary>
    public ReadOnlyMemory<byte> ExpectedQuoteReportData { get; }

    /// <summary>
    /// Parses a DER certificate: RSA key, and the embedded quote's evidence header when the extension is present.
    /// Throws <see cref="AttestationException"/> (Malformed) on bad input.
    /// </summary>
    public static MaaSigningCertificate Parse(ReadOnlySpan<byte> der, string kid)
    {
        X509Certificate2 certificate;
        RSAParameters key;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
            using RSA rsa = certificate.GetRSAPublicKey() ?? throw AttestationException.Malformed($"The x5c certificate of key {kid} has no RSA key.");
            RSAParameters exported = rsa.ExportParameters(false);
            key = new RSAParameters { Modulus = TrimLeadingZeros(exported.Modulus!), Exponent = TrimLeadingZeros(exported.Exponent!) };
        }
        catch (CryptographicException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"The x5c certificate of key {kid} does not parse.", ex);
        }

        // Typed explicitly: a null literal would otherwise convert through byte[] to an empty, present ReadOnlyMemory.
        ReadOnlyMemory<byte>? quote = null;
        if (certificate.Extensions[QuoteExtensionOid] is { } extension)
        {
            quote = ReadQuote(extension.RawData, kid);
        }

        return new MaaSigningCertificate(certificate, key, quote);
    }

    /// <summary>
    /// Throws unless <paramref name="now"/> lies in the validity window (ExpiredCollateral) and the certificate is
    /// self-issued and its own key verifies its signature (UntrustedChain). The signature is checked once per instance.
    /// </summary>
    public void RequireValidSelfSigned(DateTimeOffset now, string kid)
    {
        if (now < _notBefore || now > _notAfter)
        {
            throw new AttestationException(
                AttestationFailureKind.ExpiredCollateral,
                $"The signing certificate of key {kid} is valid from {_notBefore.UtcDateTime:O} to {_notAfter.UtcDateTime:O}, not at {now.UtcDateTime:O}.");
        }

        if (!_selfSigned.Value)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The signing certificate of key {kid} is not validly self-signed.");
        }
    }

    internal static byte[] TrimLeadingZeros(byte[] value)
    {
        int i = 0;
        while (i < value.Length - 1 && value[i] == 0)
        {
            i++;
        }

        return i == 0 ? value : value[i..];
    }

    private static ReadOnlyMemory<byte> ReadQuote(byte[] value, string kid)
    {
        // Open Enclave's oe_evidence_header: version (u32), evidence type (u32), evidence size (u64), then the evidence.
        if (value.Length < EvidenceHeaderSize)
        {
            throw AttestationException.Malformed($"The SGX quote extension of key {kid} is shorter than its header.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(value);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(4));
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(8));
        if (version != EvidenceHeaderVersion || type != SgxEcdsaReportType)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, $"The quote extension of key {kid} has header version {version}, type {type}; version 1, type 2 (SGX ECDSA) is supported.");
        }

        if (size != (ulong)(value.Length - EvidenceHeaderSize))
        {
            throw AttestationException.Malformed($"The SGX quote extension of key {kid} states {size} bytes of evidence but holds {value.Length - EvidenceHeaderSize}.");
        }

        return value.AsMemory(EvidenceHeaderSize);
    }

    private static byte[] ComputeReportDataBinding(X509Certificate2 certificate)
    {
        // openssl's PEM_write_bio_PUBKEY output, plus the NUL terminator Open Enclave hashes with it.
        string pem = new string(PemEncoding.Write("PUBLIC KEY", certificate.PublicKey.ExportSubjectPublicKeyInfo())) + "\n";
        byte[] bytes = new byte[Encoding.ASCII.GetByteCount(pem) + 1];
        Encoding.ASCII.GetBytes(pem, bytes);
        byte[] reportData = new byte[64];
        SHA256.HashData(bytes, reportData);
        return reportData;
    }

    private static bool VerifySelfSignature(X509Certificate2 certificate, RSAParameters key)
    {
        if (!certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            return false;
        }

        try
        {
            AsnReader outer = new(certificate.RawDataMemory, AsnEncodingRules.DER);
            AsnReader sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            ReadOnlyMemory<byte> tbs = sequence.ReadEncodedValue();
            AsnReader algorithm = sequence.ReadSequence();
            HashAlgorithmName? hash = algorithm.ReadObjectIdentifier() switch
            {
                Sha256WithRsa => HashAlgorithmName.SHA256,
                Sha384WithRsa => HashAlgorithmName.SHA384,
                Sha512WithRsa => HashAlgorithmName.SHA512,
                _ => null,
            };
            byte[] signature = sequence.ReadBitString(out int unusedBits);
            sequence.ThrowIfNotEmpty();
            if (hash is null || unusedBits != 0 || signature.Length != key.Modulus!.Length)
            {
                return false;
            }

            using RSA rsa = RSA.Create(key);
            return rsa.VerifyData(tbs.Span, signature, hash.Value, RSASignaturePadding.Pkcs1);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return false;
        }
    }
}
