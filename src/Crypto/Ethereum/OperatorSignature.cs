using System.Security.Cryptography;

namespace Kms.Crypto.Ethereum;

/// <summary>
/// The Go TEE registry system's operator signature, carried in CSR extension 1.3.6.1.4.1.66704.98670.17:
/// secp256k1 over SHA-256 of the Go-formatted "PUBLIC KEY" PEM of the CSR's SubjectPublicKeyInfo, encoded
/// R‖S‖V (65 bytes) with V ∈ {0, 1}. No EIP-191 prefix and no Keccak are involved.
/// </summary>
public static class OperatorSignature
{
    /// <summary>The OID of the CSR extension that carries the signature.</summary>
    public const string ExtensionOid = "1.3.6.1.4.1.66704.98670.17";

    /// <summary>SHA-256 of the Go PEM encoding of <paramref name="subjectPublicKeyInfoDer"/> (the signed digest).</summary>
    public static byte[] ComputeDigest(ReadOnlySpan<byte> subjectPublicKeyInfoDer) =>
        SHA256.HashData(GoPem.Encode("PUBLIC KEY", subjectPublicKeyInfoDer));

    /// <summary>Produces the 65-byte operator signature (V ∈ {0,1}) for a CSR public key.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> subjectPublicKeyInfoDer, ReadOnlySpan<byte> operatorPrivateKey) =>
        Secp256k1.Sign(ComputeDigest(subjectPublicKeyInfoDer), operatorPrivateKey).ToRecoverableBytes();

    /// <summary>
    /// Recovers the operator address that signed the CSR public key. Like go-ethereum's <c>crypto.SigToPub</c>,
    /// V must be 0 or 1 (27/28 is refused) and any s in [1, n-1] is accepted.
    /// </summary>
    /// <exception cref="Secp256k1Exception">The signature is malformed or does not recover to a key.</exception>
    public static EthereumAddress RecoverOperator(ReadOnlySpan<byte> subjectPublicKeyInfoDer, ReadOnlySpan<byte> signature) =>
        RecoverSigner(ComputeDigest(subjectPublicKeyInfoDer), signature);

    /// <summary>Whether <paramref name="signature"/> over the CSR public key recovers to <paramref name="expectedOperator"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> subjectPublicKeyInfoDer, ReadOnlySpan<byte> signature, EthereumAddress expectedOperator)
    {
        try
        {
            return RecoverOperator(subjectPublicKeyInfoDer, signature) == expectedOperator;
        }
        catch (Secp256k1Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// go-ethereum <c>crypto.SigToPub</c> + <c>PubkeyToAddress</c> over a raw 32-byte digest, signature R‖S‖V with
    /// V ∈ {0,1}. The Go system also uses this form, without hashing, for the bootstrap <c>/api/operator/auth</c> nonce.
    /// </summary>
    /// <exception cref="ArgumentException">The digest is not 32 bytes.</exception>
    /// <exception cref="Secp256k1Exception">The signature is malformed or does not recover to a key.</exception>
    public static EthereumAddress RecoverSigner(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        Secp256k1Signature parsed = Secp256k1Signature.FromRecoverableBytes(signature, vOffset: 0);
        return EthereumAddress.FromPublicKey(Secp256k1.RecoverPublicKey(digest, parsed));
    }
}
