using System.Security.Cryptography.X509Certificates;

namespace Kms.Attestation.X509;

/// <summary>Checks single links of a certificate chain: name chaining, CA constraint of the issuer, signature, validity.</summary>
public static class CertificateLinks
{
    /// <summary>
    /// Throws <see cref="AttestationFailureKind.UntrustedChain"/> unless <paramref name="subject"/> names
    /// <paramref name="issuer"/> as its issuer, the issuer is a CA, and the issuer's key signed the subject.
    /// </summary>
    public static void RequireIssuedBy(X509Certificate2 subject, X509Certificate2 issuer)
    {
        if (!subject.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"Certificate '{subject.Subject}' is not issued by '{issuer.Subject}'.");
        }

        bool isCa = false;
        foreach (X509Extension extension in issuer.Extensions)
        {
            if (extension is X509BasicConstraintsExtension constraints)
            {
                isCa = constraints.CertificateAuthority;
            }
        }

        if (!isCa)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"Issuer '{issuer.Subject}' is not a CA certificate.");
        }

        using var key = issuer.GetECDsaPublicKey()
            ?? throw new AttestationException(AttestationFailureKind.UntrustedChain, $"Issuer '{issuer.Subject}' does not have an ECDSA key.");
        if (!SignedDer.IsSignedBy(subject.RawDataMemory, key))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The signature on certificate '{subject.Subject}' does not verify with its issuer's key.");
        }
    }

    /// <summary>Throws <see cref="AttestationFailureKind.ExpiredCollateral"/> unless <paramref name="now"/> is inside the certificate's validity.</summary>
    public static void RequireValidAt(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            throw new AttestationException(
                AttestationFailureKind.ExpiredCollateral,
                $"Certificate '{certificate.Subject}' is valid from {certificate.NotBefore.ToUniversalTime():O} to {certificate.NotAfter.ToUniversalTime():O}, not at {now.UtcDateTime:O}.");
        }
    }
}
