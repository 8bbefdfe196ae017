using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.X509;

namespace Kms.Attestation.Intel;

/// <summary>A PCK certificate chain taken from a quote: leaf, intermediate (Platform or Processor CA), root.</summary>
internal sealed record PckChain(X509Certificate2 Leaf, X509Certificate2 Intermediate, X509Certificate2 Root, PckCertificateExtensions Extensions, ECDsa LeafKey)
{
    /// <summary>The leaf's validity, read once (X509Certificate2's NotBefore/NotAfter convert to local time on every read).</summary>
    public CertificateValidity LeafValidity { get; } = CertificateValidity.Of(Leaf);
}

/// <summary>A CA certificate whose link to the pinned root has been verified, with its key ready for use.</summary>
internal sealed record VerifiedCa(X509Certificate2 Certificate, ECDsa Key, string CrlName)
{
    public CertificateValidity Validity { get; } = CertificateValidity.Of(Certificate);
}

/// <summary>A certificate's validity window in UTC.</summary>
internal readonly record struct CertificateValidity(DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    public static CertificateValidity Of(X509Certificate2 certificate) =>
        new(certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());

    /// <summary>Throws ExpiredCollateral, with <see cref="CertificateLinks.RequireValidAt"/>'s message, outside the window.</summary>
    public void RequireValidAt(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (now < NotBefore || now > NotAfter)
        {
            CertificateLinks.RequireValidAt(certificate, now);
        }
    }
}

/// <summary>Signed Intel collateral whose signature and signer chain (up to the pinned root) have been verified.</summary>
internal sealed record VerifiedSigned<T>(T Value, X509Certificate2 Signer)
{
    public CertificateValidity SignerValidity { get; } = CertificateValidity.Of(Signer);
}

/// <summary>
/// Verifies Intel DCAP collateral and PCK chains against the pinned Intel SGX Root CA, caching what depends only on
/// collateral bytes (parsed documents, signatures on collateral, CA links). Time windows and revocation are checked
/// on every call, so a cached entry never outlives its validity.
/// </summary>
internal sealed class IntelCollateralVerifier
{
    private readonly ICollateralSource _source;
    private readonly VerificationCache _cache;
    private readonly X509Certificate2 _root;
    private readonly CertificateValidity _rootValidity;
    private readonly string _rootCrlKind;
    private readonly string _pckCrlKind;
    private readonly string _pckChainKind;

    // Cache entries are only valid for the anchor they were verified against.
    private readonly string _anchorTag;

    /// <summary>The cache kind prefix of this anchor ("{8 bytes of its SHA-256}:").</summary>
    public string AnchorTag => _anchorTag;

    public IntelCollateralVerifier(ICollateralSource source, VerificationCache cache, X509Certificate2 trustAnchor)
    {
        _source = source;
        _cache = cache;
        _root = trustAnchor;
        _rootValidity = CertificateValidity.Of(trustAnchor);
        _anchorTag = Convert.ToHexString(SHA256.HashData(trustAnchor.RawDataMemory.Span), 0, 8) + ":";
        _rootCrlKind = _anchorTag + "root-crl";
        _pckCrlKind = _anchorTag + "pck-crl";
        _pckChainKind = _anchorTag + "pck-chain";
    }

    public async ValueTask<CertificateRevocationList> GetRootCrlAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> der = await _source.GetCrlAsync("root", cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationFailureKind.MissingCollateral, "The Intel SGX Root CA CRL is not available.");
        CertificateRevocationList crl = _cache.GetOrAdd(_rootCrlKind, der.Span, default, () => VerifyCrl(der, _root));
        RequireCurrent(crl, now);
        return crl;
    }

    public async ValueTask<CertificateRevocationList> GetPckCrlAsync(VerifiedCa issuer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> der = await _source.GetCrlAsync(issuer.CrlName, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The Intel PCK {issuer.CrlName} CA CRL is not available.");
        CertificateRevocationList crl = _cache.GetOrAdd(_pckCrlKind, der.Span, issuer.Certificate.RawDataMemory.Span, () => VerifyCrl(der, issuer.Certificate));
        RequireCurrent(crl, now);
        return crl;
    }

    public PckChain ParsePckChain(ReadOnlyMemory<byte> pem) =>
        _cache.GetOrAdd(_pckChainKind, pem.Span, default, () =>
        {
            try
            {
                return ReadPckChain(pem);
            }
            catch (CryptographicException ex)
            {
                throw new AttestationException(AttestationFailureKind.Malformed, "A certificate in the PCK chain cannot be decoded.", ex);
            }
        });

    private static PckChain ReadPckChain(ReadOnlyMemory<byte> pem)
    {
        X509Certificate2[] certificates = PemCertificates.Parse(pem.Span);
        if (certificates.Length != 3)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The PCK certificate chain holds {certificates.Length} certificates, not 3 (PCK, CA, root).");
        }

        ECDsa leafKey = certificates[0].GetECDsaPublicKey()
            ?? throw new AttestationException(AttestationFailureKind.UntrustedChain, "The PCK certificate does not have an ECDSA key.");
        return new PckChain(certificates[0], certificates[1], certificates[2], PckCertificateExtensions.Read(certificates[0]), leafKey);
    }

    /// <summary>Verifies the PCK chain links: root pinned, CA link (cached), leaf link. Time is checked by <see cref="RequireValidAt"/>.</summary>
    public VerifiedCa VerifyPckChainLinks(PckChain chain)
    {
        RequirePinnedRoot(chain.Root);
        VerifiedCa ca = VerifyCa(chain.Intermediate);
        if (!chain.Leaf.IssuerName.RawData.AsSpan().SequenceEqual(ca.Certificate.SubjectName.RawData)
            || !SignedDer.IsSignedBy(chain.Leaf.RawDataMemory, ca.Key))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The PCK certificate is not signed by its Intel PCK CA.");
        }

        return ca;
    }

    /// <summary>Requires <paramref name="now"/> inside the validity of the PCK certificate, its CA and the root.</summary>
    public void RequireValidAt(PckChain chain, VerifiedCa ca, DateTimeOffset now)
    {
        chain.LeafValidity.RequireValidAt(chain.Leaf, now);
        ca.Validity.RequireValidAt(ca.Certificate, now);
        _rootValidity.RequireValidAt(_root, now);
    }

    /// <summary>Checks the PCK CA against the root CRL and the PCK against its CA's CRL.</summary>
    public async ValueTask RequirePckNotRevokedAsync(PckChain chain, VerifiedCa ca, CertificateRevocationList rootCrl, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rootCrl.IsRevoked(ca.Certificate))
        {
            throw new AttestationException(AttestationFailureKind.Revoked, $"The PCK CA certificate '{ca.Certificate.Subject}' is revoked.");
        }

        CertificateRevocationList pckCrl = await GetPckCrlAsync(ca, now, cancellationToken).ConfigureAwait(false);
        if (pckCrl.IsRevoked(chain.Leaf))
        {
            throw new AttestationException(AttestationFailureKind.Revoked, "The PCK certificate is revoked.");
        }
    }

    /// <summary>
    /// The signed TCB info for the PCK certificate's FMSPC (<paramref name="tee"/> selects SGX or TDX collateral),
    /// current at <paramref name="now"/>, signed by a current, unrevoked Intel TCB signing certificate, and stating the
    /// PCK certificate's FMSPC and PCE id.
    /// </summary>
    public async ValueTask<T> GetTcbInfoAsync<T>(TeeType tee, PckCertificateExtensions pck, Func<ReadOnlyMemory<byte>, T> parse, CertificateRevocationList rootCrl, DateTimeOffset now, CancellationToken cancellationToken)
        where T : IntelTcbInfo
    {
        string fmspcHex = Convert.ToHexStringLower(pck.Fmspc.Span);
        SignedCollateral collateral = await _source.GetTcbInfoAsync(tee, fmspcHex, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The {(tee == TeeType.Sgx ? "SGX" : "TDX")} TCB info for FMSPC {fmspcHex} is not available.");
        VerifiedSigned<T> verified = VerifySigned(collateral, "tcbInfo", parse);
        RequireCurrent("TCB info", verified.Value.IssueDate, verified.Value.NextUpdate, now);
        RequireSignerCurrent(verified.Signer, verified.SignerValidity, rootCrl, now);
        if (!verified.Value.Fmspc.AsSpan().SequenceEqual(pck.Fmspc.Span) || !verified.Value.PceId.AsSpan().SequenceEqual(pck.PceId.Span))
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, "The TCB info is for another FMSPC or PCE id than the PCK certificate.");
        }

        return verified.Value;
    }

    /// <summary>The signed QE identity of <paramref name="tee"/> ("QE" for SGX, "TD_QE" for TDX), current and properly signed.</summary>
    public async ValueTask<EnclaveIdentity> GetQeIdentityAsync(TeeType tee, string id, CertificateRevocationList rootCrl, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SignedCollateral collateral = await _source.GetQeIdentityAsync(tee, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The {id} identity is not available.");
        VerifiedSigned<EnclaveIdentity> verified = VerifySigned(collateral, "enclaveIdentity", EnclaveIdentity.Parse);
        if (verified.Value.Id != id)
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The QE identity is '{AttestationException.Printable(verified.Value.Id)}', not {id}.");
        }

        RequireCurrent("QE identity", verified.Value.IssueDate, verified.Value.NextUpdate, now);
        RequireSignerCurrent(verified.Signer, verified.SignerValidity, rootCrl, now);
        return verified.Value;
    }

    private static void RequireCurrent(string what, DateTimeOffset issueDate, DateTimeOffset nextUpdate, DateTimeOffset now)
    {
        if (now < issueDate || now > nextUpdate)
        {
            throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"The {what} is valid from {issueDate:O} to {nextUpdate:O}, not at {now:O}.");
        }
    }

    private static void RequireSignerCurrent(X509Certificate2 signer, CertificateValidity validity, CertificateRevocationList rootCrl, DateTimeOffset now)
    {
        validity.RequireValidAt(signer, now);
        if (rootCrl.IsRevoked(signer))
        {
            throw new AttestationException(AttestationFailureKind.Revoked, $"The collateral signing certificate '{signer.Subject}' is revoked.");
        }
    }

    private VerifiedSigned<T> VerifySigned<T>(SignedCollateral collateral, string member, Func<ReadOnlyMemory<byte>, T> parse) =>
        // The parsed type is part of the kind: the same bytes parsed as SGX and as TDX TCB info are different entries.
        _cache.GetOrAdd(_anchorTag + member + ":" + typeof(T).Name, collateral.Body.Span, System.Runtime.InteropServices.MemoryMarshal.AsBytes(collateral.IssuerChainPem.AsSpan()), () =>
            VerifySignedCollateral(collateral, member, parse, _root));

    /// <summary>
    /// Verifies a PCS response body (<paramref name="member"/> signed by the first certificate of its issuer chain,
    /// which <paramref name="root"/> issued; the chain ends at <paramref name="root"/>) and parses the signed member.
    /// Time and revocation are the caller's to check.
    /// </summary>
    internal static VerifiedSigned<T> VerifySignedCollateral<T>(SignedCollateral collateral, string member, Func<ReadOnlyMemory<byte>, T> parse, X509Certificate2 root)
    {
        X509Certificate2[] chain = PemCertificates.Parse(collateral.IssuerChainPem);
        if (chain.Length != 2)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The {member} issuer chain holds {chain.Length} certificates, not 2 (signer, root).");
        }

        if (!chain[1].RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The chain does not end at the pinned Intel SGX Root CA.");
        }

        CertificateLinks.RequireIssuedBy(chain[0], root);
        (ReadOnlyMemory<byte> signed, byte[] signature) = SignedJsonBody.Split(collateral.Body, member);
        using ECDsa key = chain[0].GetECDsaPublicKey()
            ?? throw new AttestationException(AttestationFailureKind.UntrustedChain, "The collateral signing certificate does not have an ECDSA key.");
        if (!key.VerifyData(signed.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, $"The {member} signature does not verify.");
        }

        return new VerifiedSigned<T>(parse(signed), chain[0]);
    }

    private VerifiedCa VerifyCa(X509Certificate2 intermediate) =>
        _cache.GetOrAdd(_anchorTag + "pck-ca", intermediate.RawDataMemory.Span, default, () =>
        {
            CertificateLinks.RequireIssuedBy(intermediate, _root);
            string cn = intermediate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            string crlName = cn switch
            {
                "Intel SGX PCK Platform CA" => "platform",
                "Intel SGX PCK Processor CA" => "processor",
                _ => throw new AttestationException(AttestationFailureKind.UntrustedChain, $"'{cn}' is not an Intel SGX PCK CA."),
            };
            ECDsa key = intermediate.GetECDsaPublicKey()
                ?? throw new AttestationException(AttestationFailureKind.UntrustedChain, "The PCK CA does not have an ECDSA key.");
            return new VerifiedCa(intermediate, key, crlName);
        });

    /// <summary>Parses a DER CRL and requires <paramref name="issuer"/>'s signature on it.</summary>
    internal static CertificateRevocationList VerifyCrl(ReadOnlyMemory<byte> der, X509Certificate2 issuer)
    {
        CertificateRevocationList crl = CertificateRevocationList.Parse(der);
        if (!crl.VerifiedBy(issuer))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, $"The CRL is not signed by '{issuer.Subject}'.");
        }

        return crl;
    }

    private static void RequireCurrent(CertificateRevocationList crl, DateTimeOffset now)
    {
        if (!crl.IsCurrent(now))
        {
            throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"A CRL is valid from {crl.ThisUpdate:O} to {crl.NextUpdate:O}, not at {now:O}.");
        }
    }

    private void RequirePinnedRoot(X509Certificate2 root)
    {
        if (!root.RawDataMemory.Span.SequenceEqual(_root.RawDataMemory.Span))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The chain does not end at the pinned Intel SGX Root CA.");
        }
    }
}
