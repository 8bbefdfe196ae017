using Kms.Crypto.Certificates;
using Kms.Crypto.Ethereum;
using Kms.Crypto.Tests.Rsa;
using Kms.Tests.Shared;

namespace Kms.Crypto.Tests.Certificates;

/// <summary>
/// The operator signature of a CSR as the Go system's operator tool produces it: the signature over SHA-256 of the
/// SPKI's PEM is made by cast (an independent secp256k1 implementation) and put into the CSR by openssl as the raw
/// 65-byte extnValue (<c>-addext OID=DER:&lt;hex&gt;</c>).
/// </summary>
public sealed class CsrOperatorSignatureTests : IDisposable
{
    // Anvil/Hardhat development account 0: a published key with a published address.
    private const string OperatorKeyHex = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private const string OperatorAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    private const string Subject = "/CN=00000000000000000000000000000000000000a1.app";

    private readonly OpenSslCli _openssl = new();

    public void Dispose() => _openssl.Dispose();

    [RequiresCastFact]
    public void RecoverOperator_FromOpenSslCsrWithCastSignature_IsTheSigningAccount()
    {
        (string keyPath, byte[] digest) = NewKeyAndDigest("instance");
        byte[] signature = CastSignNoHash(digest);

        ParsedCertificateRequest request = Csr(keyPath, signature);

        Assert.Equal(EthereumAddress.Parse(OperatorAddress), CsrOperatorSignature.RecoverOperator(request));
        Assert.Equal(FoundryTools.Run("cast", "wallet", "address", "--private-key", "0x" + OperatorKeyHex), CsrOperatorSignature.RecoverOperator(request).ToString());
        Assert.True(CsrOperatorSignature.IsSignedBy(request, EthereumAddress.Parse(OperatorAddress)));
        Assert.False(CsrOperatorSignature.IsSignedBy(request, EthereumAddress.Zero));
    }

    [RequiresCastFact]
    public void SignatureOverAnotherKey_RecoversAnotherOperator()
    {
        (_, byte[] otherDigest) = NewKeyAndDigest("other");
        (string keyPath, _) = NewKeyAndDigest("instance");

        // A valid operator signature lifted from another instance's CSR does not vouch for this key.
        ParsedCertificateRequest request = Csr(keyPath, CastSignNoHash(otherDigest));

        Assert.NotEqual(EthereumAddress.Parse(OperatorAddress), CsrOperatorSignature.RecoverOperator(request));
        Assert.False(CsrOperatorSignature.IsSignedBy(request, EthereumAddress.Parse(OperatorAddress)));
    }

    [Fact]
    public void TamperedSignature_DoesNotRecoverTheOperator()
    {
        (string keyPath, byte[] digest) = NewKeyAndDigest("instance");
        byte[] signature = Secp256k1.Sign(digest, Convert.FromHexString(OperatorKeyHex)).ToRecoverableBytes();
        Assert.True(CsrOperatorSignature.IsSignedBy(Csr(keyPath, signature), EthereumAddress.Parse(OperatorAddress)));

        foreach (int position in new[] { 0, 17, 31, 32, 50, 63 })
        {
            byte[] tampered = (byte[])signature.Clone();
            tampered[position] ^= 0x01;
            ParsedCertificateRequest request = Csr(keyPath, tampered);

            Assert.False(CsrOperatorSignature.IsSignedBy(request, EthereumAddress.Parse(OperatorAddress)));
            EthereumAddress? recovered = RecoverOrNull(request);
            Assert.NotEqual(EthereumAddress.Parse(OperatorAddress), recovered);
        }
    }

    [Theory]
    [InlineData("v27")]
    [InlineData("short")]
    [InlineData("long")]
    [InlineData("octetStringWrapped")]
    [InlineData("zeroR")]
    public void MalformedExtensionValue_IsACertificateRequestException(string variant)
    {
        (string keyPath, byte[] digest) = NewKeyAndDigest("instance");
        byte[] signature = Secp256k1.Sign(digest, Convert.FromHexString(OperatorKeyHex)).ToRecoverableBytes();
        byte[] value = variant switch
        {
            "v27" => [.. signature[..64], (byte)(signature[64] + 27)], // EIP-191 style V: Go's SigToPub refuses it
            "short" => signature[..64],
            "long" => [.. signature, 0x00],
            "octetStringWrapped" => [0x04, 0x41, .. signature], // DER OCTET STRING inside extnValue: not the Go form
            "zeroR" => [.. new byte[32], .. signature[32..]],
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
        ParsedCertificateRequest request = Csr(keyPath, value);

        Assert.Throws<CertificateRequestException>(() => CsrOperatorSignature.RecoverOperator(request));
        Assert.False(CsrOperatorSignature.IsSignedBy(request, EthereumAddress.Parse(OperatorAddress)));
    }

    [Fact]
    public void AbsentExtension_HasNoOperator()
    {
        (string keyPath, _) = NewKeyAndDigest("instance");
        ParsedCertificateRequest request = Csr(keyPath, signature: null);

        Assert.Null(CsrOperatorSignature.RecoverOperator(request));
        Assert.False(CsrOperatorSignature.IsSignedBy(request, EthereumAddress.Zero));
        Assert.Throws<ArgumentNullException>(() => CsrOperatorSignature.RecoverOperator(null!));
    }

    /// <summary>A fresh P-256 key and the Go operator digest of its public key, computed with openssl alone.</summary>
    private (string KeyPath, byte[] Digest) NewKeyAndDigest(string name)
    {
        string keyPath = _openssl.PathOf(name + ".key");
        string pubPath = _openssl.PathOf(name + ".pub.pem");
        string digestPath = _openssl.PathOf(name + ".digest");
        _openssl.RunChecked("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath);
        // openssl writes the same PEM text as Go's pem.Encode (64-character lines, trailing newline).
        _openssl.RunChecked("pkey", "-in", keyPath, "-pubout", "-out", pubPath);
        _openssl.RunChecked("dgst", "-sha256", "-binary", "-out", digestPath, pubPath);
        return (keyPath, File.ReadAllBytes(digestPath));
    }

    private ParsedCertificateRequest Csr(string keyPath, byte[]? signature)
    {
        string csrPath = _openssl.PathOf(Guid.NewGuid().ToString("N") + ".csr");
        List<string> arguments = ["req", "-new", "-key", keyPath, "-subj", Subject, "-out", csrPath];
        if (signature is not null)
        {
            arguments.AddRange(["-addext", OperatorSignature.ExtensionOid + "=DER:" + Convert.ToHexString(signature)]);
        }

        _openssl.RunChecked([.. arguments]);
        return CertificateRequestParser.ParsePem(File.ReadAllText(csrPath));
    }

    private static byte[] CastSignNoHash(byte[] digest)
    {
        string output = FoundryTools.Run("cast", "wallet", "sign", "--no-hash", "--private-key", "0x" + OperatorKeyHex, "0x" + Convert.ToHexStringLower(digest));
        byte[] signature = Convert.FromHexString(output[2..]);
        signature[64] -= 27; // cast prints V as 27/28; go-ethereum's crypto.Sign (the Go operator tool) uses 0/1
        return signature;
    }

    private static EthereumAddress? RecoverOrNull(ParsedCertificateRequest request)
    {
        try
        {
            return CsrOperatorSignature.RecoverOperator(request);
        }
        catch (CertificateRequestException)
        {
            return null;
        }
    }
}
