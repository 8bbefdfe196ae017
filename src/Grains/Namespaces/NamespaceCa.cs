using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Crypto.Certificates;
using Kms.Crypto.KeyTree;
using Kms.Grains.Hosting;

namespace Kms.Grains.Namespaces;

/// <summary>
/// A namespace's CA as both its owner (the namespace grain) and the release workers build it: a key derived from the
/// namespace key of epoch 0, a certificate that rebuilds byte for byte from that key and the creation time, and the
/// policy of the leaves it signs.
/// </summary>
internal static class NamespaceCa
{
    // A policy compiles its common-name pattern (a regex) when built: one per validity, shared (it is immutable).
    private static readonly ConcurrentDictionary<TimeSpan, LeafCertificatePolicy> s_leafPolicies = new();

    /// <summary>The CA key material derived from the namespace key of epoch 0; the caller wipes it.</summary>
    public static byte[] DeriveKeyMaterial(string @namespace, byte[] epochZeroKey) =>
        KeyTreeDerivation.DeriveKey(epochZeroKey, new DerivedKeyLabel("namespace-ca", @namespace, string.Empty, "ca", 1));

    /// <summary>Builds the CA from its key material.</summary>
    /// <param name="expectedCertificate">The certificate on record (DER), or empty at creation.</param>
    /// <exception cref="KmsException">The CA does not rebuild to the certificate on record (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    public static NamespaceCertificateAuthority Build(string @namespace, ReadOnlySpan<byte> keyMaterial, DateTimeOffset createdAt, ReadOnlySpan<byte> expectedCertificate)
    {
        var ca = NamespaceCertificateAuthority.Create(keyMaterial, new NamespaceCaOptions
        {
            Subject = new X500DistinguishedName($"CN={@namespace} namespace CA, O=Orleans.Kms"),
            NotBefore = createdAt,
        });
        if (!expectedCertificate.IsEmpty && !ca.CertificateDer.Span.SequenceEqual(expectedCertificate))
        {
            ca.Dispose();
            throw new KmsException(KmsErrorKind.Unavailable, $"The CA of '{@namespace}' does not rebuild from its key; its state is inconsistent.");
        }

        return ca;
    }

    /// <summary>Signs a leaf for an admitted workload's CSR.</summary>
    /// <exception cref="KmsException">The CSR breaks the leaf policy (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    public static IssuedCertificateRecord Issue(
        NamespaceCertificateAuthority ca, ParsedCertificateRequest request, string identity, KmsGrainOptions options, DateTimeOffset now)
    {
        LeafCertificatePolicy policy = s_leafPolicies.GetOrAdd(options.CertificateValidity, validity => new LeafCertificatePolicy
        {
            CommonNamePattern = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
            Validity = validity,
        });
        IssuedCertificate issued;
        try
        {
            issued = ca.IssueLeaf(request, policy, now);
        }
        catch (CertificatePolicyException exception)
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, exception.Message);
        }

        return new IssuedCertificateRecord(identity, issued.ToPem(), ca.CertificatePem, Convert.ToHexStringLower(issued.SerialNumber), issued.NotAfter);
    }

    /// <summary>Parses a CSR (DER) and checks its self-signature.</summary>
    /// <exception cref="KmsException">It is malformed or its signature does not verify (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static ParsedCertificateRequest ParseRequest(byte[]? certificateRequest)
    {
        try
        {
            return CertificateRequestParser.ParseDer(certificateRequest ?? []);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or FormatException)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The certificate request is malformed: {exception.Message}");
        }
    }
}
