using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Intel;
using Kms.Attestation.Snp;
using Kms.Attestation.X509;

namespace Kms.Attestation.Collateral;

/// <summary>When a collateral item was issued and when it must be replaced (nextUpdate, or a certificate's notAfter).</summary>
/// <param name="IssuedAt">issueDate, thisUpdate or notBefore.</param>
/// <param name="NextUpdate">nextUpdate or notAfter.</param>
public readonly record struct CollateralValidity(DateTimeOffset IssuedAt, DateTimeOffset NextUpdate);

/// <summary>
/// Checks a collateral item the way its verifier will (signature and chain to the pinned Intel or AMD root, the item is
/// the one asked for) and reads its validity. The refresher uses it on downloads before they replace the copy in use,
/// and on the copy in use before it trusts its nextUpdate.
/// </summary>
internal static class CollateralValidation
{
    public static CollateralValidity IntelTcbInfo(SignedCollateral collateral, TeeType tee, string fmspc, X509Certificate2 root)
    {
        IntelTcbInfo info = tee == TeeType.Sgx
            ? IntelCollateralVerifier.VerifySignedCollateral(collateral, "tcbInfo", SgxTcbInfo.Parse, root).Value
            : IntelCollateralVerifier.VerifySignedCollateral(collateral, "tcbInfo", TdxTcbInfo.Parse, root).Value;
        if (!string.Equals(Convert.ToHexStringLower(info.Fmspc), fmspc, StringComparison.OrdinalIgnoreCase))
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The TCB info is for FMSPC {Convert.ToHexStringLower(info.Fmspc)}, not {fmspc}.");
        }

        return new CollateralValidity(info.IssueDate, info.NextUpdate);
    }

    public static CollateralValidity IntelQeIdentity(SignedCollateral collateral, TeeType tee, X509Certificate2 root)
    {
        EnclaveIdentity identity = IntelCollateralVerifier.VerifySignedCollateral(collateral, "enclaveIdentity", EnclaveIdentity.Parse, root).Value;
        string expected = tee == TeeType.Sgx ? "QE" : "TD_QE";
        if (identity.Id != expected)
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, $"The QE identity is '{AttestationException.Printable(identity.Id)}', not {expected}.");
        }

        return new CollateralValidity(identity.IssueDate, identity.NextUpdate);
    }

    public static CollateralValidity IntelRootCrl(ReadOnlyMemory<byte> der, X509Certificate2 root) =>
        Of(IntelCollateralVerifier.VerifyCrl(der, root));

    /// <summary>
    /// A PCK CRL with the issuer chain PCS sends with it (PCK CA, root): the CA must be the named Intel PCK CA issued by
    /// the root, and must have signed the CRL. Without a chain (a copy already in the cache) only its structure is read.
    /// </summary>
    public static CollateralValidity IntelPckCrl(ReadOnlyMemory<byte> der, string name, string? issuerChainPem, X509Certificate2 root)
    {
        if (issuerChainPem is null)
        {
            return Of(CertificateRevocationList.Parse(der));
        }

        X509Certificate2[] chain = PemCertificates.Parse(issuerChainPem);
        if (chain.Length != 2 || !chain[1].RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The PCK CRL issuer chain is not (PCK CA, pinned Intel SGX Root CA).");
        }

        CertificateLinks.RequireIssuedBy(chain[0], root);
        string expected = name == "processor" ? "Intel SGX PCK Processor CA" : "Intel SGX PCK Platform CA";
        if (chain[0].GetNameInfo(X509NameType.SimpleName, forIssuer: false) != expected)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The {name} CRL issuer is not the {expected}.");
        }

        return Of(IntelCollateralVerifier.VerifyCrl(der, chain[0]));
    }

    public static CollateralValidity AmdKdsCrl(ReadOnlyMemory<byte> der, AmdFamilyChain chain) => Of(AmdCrl.VerifyAndParse(der, chain.Ark));

    /// <summary>A VCEK certified by its family's pinned ASK, for the chip id and reported TCB it is stored under.</summary>
    public static CollateralValidity Vcek(ReadOnlySpan<byte> der, SnpProcessorFamily family, ReadOnlySpan<byte> chipId, ulong reportedTcb)
    {
        using SnpEndorsementKey key = SnpEndorsementKey.Create(der, SnpSigningKey.Vcek);
        if (key.Family != family)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The VCEK is certified by the {key.Family} ASK, not {family}'s.");
        }

        if (key.HwId is not { } hwId || !chipId.StartsWith(hwId) || chipId[hwId.Length..].ContainsAnyExcept((byte)0))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The VCEK's hwID is not the chip id it was fetched for.");
        }

        if (key.Tcb != SnpTcbVersion.FromRaw(reportedTcb, family))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, "The VCEK's TCB is not the TCB it was fetched for.");
        }

        X509Certificate2 certificate = key.Certificate.Certificate;
        return new CollateralValidity(certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
    }

    private static CollateralValidity Of(CertificateRevocationList crl) =>
        new(crl.ThisUpdate, crl.NextUpdate ?? DateTimeOffset.MaxValue);
}
