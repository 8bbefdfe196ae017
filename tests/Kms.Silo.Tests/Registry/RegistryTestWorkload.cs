using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kms.Crypto.Ethereum;
using Kms.Tests.Shared;

namespace Kms.Silo.Tests.Registry;

/// <summary>
/// A Go-registry instance: TDX registers as the proxy forwards them (seeds-protocols §1.3: key 0 = MRTD, 1..4 =
/// RTMR0..RTMR3; register i = 47 zero bytes then i + seed, as the Go handler tests build them), and a P-256 TLS key.
/// </summary>
internal sealed class RegistryTestWorkload : IDisposable
{
    private RegistryTestWorkload(byte seed)
    {
        Registers = Enumerable.Range(0, 5).Select(i =>
        {
            byte[] value = new byte[48];
            value[47] = (byte)(i + seed);
            return value;
        }).ToArray();
    }

    public byte[][] Registers { get; }

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static RegistryTestWorkload Proxied(byte seed) => new(seed);

    /// <summary>The <c>X-Flashbots-Measurement</c> value.</summary>
    public string MeasurementHeader =>
        "{" + string.Join(",", Registers.Select((r, i) => $"\"{i.ToString(CultureInfo.InvariantCulture)}\":\"{Convert.ToHexStringLower(r)}\"")) + "}";

    /// <summary>keccak256(contract ‖ RTMR0 ‖ RTMR1 ‖ RTMR2), the contracts' DCAPIdentity (§1.4).</summary>
    public byte[] Identity(EthereumAddress contract) =>
        Keccak256.HashData([.. contract.Bytes, .. Registers[1], .. Registers[2], .. Registers[3]]);

    /// <summary>A PEM CSR for CN <paramref name="commonName"/>, with the raw operator signature extension when given.</summary>
    public byte[] Csr(string commonName, byte[]? operatorSignature = null)
    {
        var request = new CertificateRequest("CN=" + commonName, Key, HashAlgorithmName.SHA256);
        if (operatorSignature is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(OperatorSignature.ExtensionOid, operatorSignature, critical: false));
        }

        return Encoding.ASCII.GetBytes(request.CreateSigningRequestPem());
    }

    /// <summary>The operator's signature over SHA-256 of the Go PEM of this key, made by cast (an independent signer).</summary>
    public byte[] CastOperatorSignature(byte[] operatorKey)
    {
        byte[] digest = SHA256.HashData(GoPem.Encode("PUBLIC KEY", Key.ExportSubjectPublicKeyInfo()));
        string output = FoundryTools.Run("cast", "wallet", "sign", "--no-hash", "--private-key", "0x" + Convert.ToHexStringLower(operatorKey), "0x" + Convert.ToHexStringLower(digest));
        byte[] signature = Convert.FromHexString(output[2..]);
        signature[64] -= 27; // cast prints V as 27/28; go-ethereum's crypto.Sign uses 0/1
        return signature;
    }

    public static string AppCommonName(EthereumAddress contract) => Convert.ToHexStringLower(contract.Bytes) + ".app";

    public void Dispose() => Key.Dispose();
}
