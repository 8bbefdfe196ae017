using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Crypto.Tests.Rsa;
using Kms.Tests.Shared;

namespace Kms.Crypto.Tests.Ethereum;

public sealed class OperatorSignatureTests
{
    [Fact]
    public void GoPem_UsesSixtyFourCharacterLinesAndTrailingNewline()
    {
        byte[] der = Enumerable.Range(0, 91).Select(i => (byte)i).ToArray();
        string pem = Encoding.ASCII.GetString(GoPem.Encode("PUBLIC KEY", der));
        string base64 = Convert.ToBase64String(der);

        Assert.Equal($"-----BEGIN PUBLIC KEY-----\n{base64[..64]}\n{base64[64..]}\n-----END PUBLIC KEY-----\n", pem);
    }

    [Fact]
    public void GoPem_EqualsOpenSslOutputForAnSpki()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        using var openssl = new OpenSslCli();
        string derPath = openssl.Write("spki.der", spki);

        string expected = openssl.RunChecked("pkey", "-pubin", "-inform", "DER", "-in", derPath, "-outform", "PEM");

        Assert.Equal(expected, Encoding.ASCII.GetString(GoPem.Encode("PUBLIC KEY", spki)));
    }

    [Fact]
    public void SignAndRecover_GivesOperatorAddress()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        byte[] signature = OperatorSignature.Sign(spki, Secp256k1Tests.s_web3Key);

        Assert.Equal(65, signature.Length);
        Assert.InRange(signature[64], 0, 1);
        Assert.Equal(EthereumAddress.FromPrivateKey(Secp256k1Tests.s_web3Key), OperatorSignature.RecoverOperator(spki, signature));

        byte[] otherSpki = (byte[])spki.Clone();
        otherSpki[^1] ^= 1;
        Assert.NotEqual(EthereumAddress.FromPrivateKey(Secp256k1Tests.s_web3Key), RecoverOrZero(otherSpki, signature));
    }

    [Fact]
    public void Verify_AndRawDigestRecovery()
    {
        byte[] spki = new byte[91];
        spki[0] = 0x30;
        byte[] signature = OperatorSignature.Sign(spki, Secp256k1Tests.s_web3Key);
        EthereumAddress signer = EthereumAddress.FromPrivateKey(Secp256k1Tests.s_web3Key);

        Assert.True(OperatorSignature.Verify(spki, signature, signer));
        Assert.False(OperatorSignature.Verify(spki, signature, EthereumAddress.Zero));
        Assert.False(OperatorSignature.Verify(spki, signature.AsSpan(0, 64), signer));

        byte[] nonce = SHA256.HashData("bootstrap nonce"u8);
        byte[] nonceSignature = Secp256k1.Sign(nonce, Secp256k1Tests.s_web3Key).ToRecoverableBytes();
        Assert.Equal(signer, OperatorSignature.RecoverSigner(nonce, nonceSignature));
        Assert.Throws<ArgumentException>(() => OperatorSignature.RecoverSigner(nonce.AsSpan(0, 31), nonceSignature));
    }

    [Fact]
    public void Recover_RefusesEip191StyleV()
    {
        byte[] spki = new byte[91];
        byte[] signature = OperatorSignature.Sign(spki, Secp256k1Tests.s_web3Key);
        signature[64] += 27;

        Assert.Throws<Secp256k1Exception>(() => OperatorSignature.RecoverOperator(spki, signature));
        Assert.Throws<Secp256k1Exception>(() => OperatorSignature.RecoverOperator(spki, signature.AsSpan(0, 64)));
    }

    [RequiresCastFact]
    public void Sign_EqualsCastNoHashSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        byte[] digest = OperatorSignature.ComputeDigest(spki);

        string castSignature = FoundryTools.Run("cast", "wallet", "sign", "--no-hash", "--private-key", "0x" + Convert.ToHexStringLower(Secp256k1Tests.s_web3Key), "0x" + Convert.ToHexStringLower(digest));
        byte[] expected = Convert.FromHexString(castSignature[2..]);
        expected[64] -= 27; // cast prints V as 27/28, go-ethereum's crypto.Sign uses 0/1

        Assert.Equal(expected, OperatorSignature.Sign(spki, Secp256k1Tests.s_web3Key));
    }

    private static EthereumAddress RecoverOrZero(byte[] spki, byte[] signature)
    {
        try
        {
            return OperatorSignature.RecoverOperator(spki, signature);
        }
        catch (Secp256k1Exception)
        {
            return EthereumAddress.Zero;
        }
    }
}
