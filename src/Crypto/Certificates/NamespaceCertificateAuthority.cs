using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Crypto.Certificates;

/// <summary>
/// A namespace's certificate authority: a P-256 key derived from namespace key material
/// (<see cref="NamespaceCaKeyDerivation"/>) and a self-signed certificate that is stable — the same key material and
/// <see cref="NamespaceCaOptions"/> always give the same certificate bytes.
/// </summary>
/// <remarks>
/// Stability needs three deterministic inputs: the serial number (a hash of key, subject and validity instead of
/// random bytes — the Go system issued a new random serial on every call, so its CA certificate and the PKI report
/// data changed each time), the validity (supplied by policy, never "now"), and the signature. The platform's ECDSA
/// draws a random nonce, so certificates are signed with RFC 6979 deterministic ECDSA instead of persisting the first
/// certificate: nothing has to be stored, and any silo recomputes the identical certificate from the namespace key.
/// </remarks>
public sealed class NamespaceCertificateAuthority : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const int SerialSize = 16;

    private readonly DeterministicEcdsaSignatureGenerator _signer;

    private readonly X509SubjectKeyIdentifierExtension _subjectKeyIdentifier;

    private NamespaceCertificateAuthority(DeterministicEcdsaSignatureGenerator signer, byte[] certificateDer, X509SubjectKeyIdentifierExtension ski, X500DistinguishedName subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        _signer = signer;
        CertificateDer = certificateDer;
        _subjectKeyIdentifier = ski;
        Subject = subject;
        NotBefore = notBefore;
        NotAfter = notAfter;
    }

    /// <summary>The CA certificate (DER).</summary>
    public ReadOnlyMemory<byte> CertificateDer { get; }

    /// <summary>The CA's subject and issuer name.</summary>
    public X500DistinguishedName Subject { get; }

    /// <summary>Start of the CA's validity.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>End of the CA's validity.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The CA certificate as PEM with a trailing newline.</summary>
    public string CertificatePem => new string(PemEncoding.Write("CERTIFICATE", CertificateDer.Span)) + "\n";

    /// <summary>The CA's public key as a PKIX <c>PUBLIC KEY</c> PEM.</summary>
    public string PublicKeyPem => _signer.Key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Derives the CA key and builds its certificate.</summary>
    /// <param name="keyMaterial">At least 32 bytes of namespace key material.</param>
    /// <param name="options">Subject and validity.</param>
    public static NamespaceCertificateAuthority Create(ReadOnlySpan<byte> keyMaterial, NamespaceCaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Subject);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PathLengthConstraint);
        if (options.Validity <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The CA validity must be positive.");
        }

        DateTimeOffset notBefore = TruncateToSeconds(options.NotBefore);
        DateTimeOffset notAfter = notBefore + options.Validity;

        byte[] scalar = NamespaceCaKeyDerivation.DeriveScalar(keyMaterial);
        DeterministicEcdsaSignatureGenerator signer;
        try
        {
            signer = new DeterministicEcdsaSignatureGenerator(scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }

        try
        {
            var request = new CertificateRequest(options.Subject, signer.Key, HashAlgorithmName.SHA256);
            var ski = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, options.PathLengthConstraint, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(
                X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
            request.CertificateExtensions.Add(ski);
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ski));

            byte[] serial = DeterministicSerial(request.PublicKey.ExportSubjectPublicKeyInfo(), options.Subject.RawData, notBefore, notAfter);
            using X509Certificate2 certificate = request.Create(options.Subject, signer, notBefore, notAfter, serial);
            return new NamespaceCertificateAuthority(signer, certificate.RawData, ski, options.Subject, notBefore, notAfter);
        }
        catch
        {
            signer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Issues a leaf certificate for a verified CSR: subject and SANs from the request as the policy allows,
    /// basicConstraints CA:false, keyUsage digitalSignature (+ keyEncipherment for RSA keys), EKU serverAuth and
    /// clientAuth, SKI/AKI, a random serial (16 bytes, 126 random bits). The CSR's other extensions are not copied.
    /// </summary>
    /// <param name="request">A request from <see cref="CertificateRequestParser"/>.</param>
    /// <param name="policy">The issuance rules.</param>
    /// <param name="notBefore">Start of validity (the caller's clock); the end is capped at the CA's end.</param>
    /// <exception cref="CertificatePolicyException">The policy does not allow the request.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="notBefore"/> is outside the CA's validity.</exception>
    public IssuedCertificate IssueLeaf(ParsedCertificateRequest request, LeafCertificatePolicy policy, DateTimeOffset notBefore)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        policy.Enforce(request);

        notBefore = TruncateToSeconds(notBefore);
        if (notBefore < NotBefore || notBefore >= NotAfter)
        {
            throw new ArgumentOutOfRangeException(nameof(notBefore), "The leaf's start of validity is outside the CA's validity.");
        }

        DateTimeOffset notAfter = notBefore + policy.Validity;
        if (notAfter > NotAfter)
        {
            notAfter = NotAfter;
        }

        PublicKey publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(request.SubjectPublicKeyInfo.Span, out _);
        X509KeyUsageFlags usage = request.KeyAlgorithm == CsrKeyAlgorithm.Rsa
            ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
            : X509KeyUsageFlags.DigitalSignature;
        var extensions = new List<X509Extension>(6)
        {
            new X509BasicConstraintsExtension(false, false, 0, critical: true),
            new X509KeyUsageExtension(usage, critical: true),
            new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], critical: false),
            new X509SubjectKeyIdentifierExtension(publicKey, critical: false),
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(_subjectKeyIdentifier),
        };
        if (request.DnsNames.Count > 0 || (policy.AllowIpAddresses && request.IpAddresses.Count > 0))
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (string dnsName in request.DnsNames)
            {
                names.AddDnsName(dnsName);
            }

            foreach (System.Net.IPAddress address in request.IpAddresses)
            {
                names.AddIpAddress(address);
            }

            extensions.Add(names.Build(critical: false));
        }

        byte[] serial = RandomNumberGenerator.GetBytes(SerialSize);
        NormalizeSerial(serial);
        // Signed by the platform's ECDSA, not RFC 6979: a leaf's serial is random, so determinism buys nothing here.
        byte[] der = LeafCertificateEncoder.Encode(
            serial, Subject.RawData, notBefore, notAfter, request.Subject.RawData, request.SubjectPublicKeyInfo.Span, extensions, _signer.Key);
        return new IssuedCertificate(der, serial, notBefore, notAfter);
    }

    /// <inheritdoc/>
    public void Dispose() => _signer.Dispose();

    private static byte[] DeterministicSerial(byte[] subjectPublicKeyInfo, byte[] subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData("Orleans.Kms CA serial v1"u8);
        BinaryPrimitives.WriteInt64BigEndian(number, subjectPublicKeyInfo.Length);
        hash.AppendData(number);
        hash.AppendData(subjectPublicKeyInfo);
        BinaryPrimitives.WriteInt64BigEndian(number, subject.Length);
        hash.AppendData(number);
        hash.AppendData(subject);
        BinaryPrimitives.WriteInt64BigEndian(number, notBefore.ToUnixTimeSeconds());
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, notAfter.ToUnixTimeSeconds());
        hash.AppendData(number);
        byte[] serial = hash.GetHashAndReset()[..SerialSize];
        NormalizeSerial(serial);
        return serial;
    }

    /// <summary>Positive and minimally encoded: top bit clear (positive), next bit set (no leading zero byte).</summary>
    private static void NormalizeSerial(byte[] serial) => serial[0] = (byte)((serial[0] & 0x7F) | 0x40);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());
}
