using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Crypto.Hpke;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Kms.Crypto.Certificates;

/// <summary>
/// ECDSA P-256 with SHA-256 and RFC 6979 deterministic nonces (BouncyCastle <c>HMacDsaKCalculator</c>) as an
/// X.509 signature generator. The platform's ECDsa draws a random nonce, so the same TBSCertificate would get a
/// different signature each time; with RFC 6979 the certificate bytes are a pure function of their inputs.
/// </summary>
internal sealed class DeterministicEcdsaSignatureGenerator : X509SignatureGenerator, IDisposable
{
    private const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";

    private static readonly X9ECParameters s_curve = NistNamedCurves.GetByName("P-256");
    private static readonly ECDomainParameters s_domain = new(s_curve.Curve, s_curve.G, s_curve.N, s_curve.H);

    private readonly ECPrivateKeyParameters _privateKey;
    private readonly ECDsa _publicKey;

    public DeterministicEcdsaSignatureGenerator(ReadOnlySpan<byte> scalar)
    {
        byte[] copy = scalar.ToArray();
        try
        {
            // BouncyCastle's BigInteger cannot be wiped; at least the temporary byte copy is.
            _privateKey = new ECPrivateKeyParameters(new BigInteger(1, copy), s_domain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }

        _publicKey = P256Keys.CreateEcdsa(scalar);
    }

    /// <summary>The signer's key (public and private) as a platform object.</summary>
    public ECDsa Key => _publicKey;

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        EnsureSha256(hashAlgorithm);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(EcdsaWithSha256Oid);
        }

        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        EnsureSha256(hashAlgorithm);
        byte[] digest = SHA256.HashData(data);
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, _privateKey);
        BigInteger[] rs = signer.GenerateSignature(digest);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(rs[0].ToByteArrayUnsigned());
            writer.WriteIntegerUnsigned(rs[1].ToByteArrayUnsigned());
        }

        return writer.Encode();
    }

    protected override PublicKey BuildPublicKey() => new(_publicKey);

    public void Dispose() => _publicKey.Dispose();

    private static void EnsureSha256(HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256)
        {
            throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), hashAlgorithm, "Only SHA-256 is used with P-256 CA keys.");
        }
    }
}
