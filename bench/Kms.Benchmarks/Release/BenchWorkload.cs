using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Dev;
using Kms.Crypto.Hpke;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;

namespace Kms.Benchmarks.Release;

/// <summary>One workload image: its dev measurements and the identity the KMS computes from them.</summary>
internal sealed class BenchWorkload
{
    public BenchWorkload(string image)
    {
        Measurements = new Dictionary<string, byte[]> { ["rtmr0"] = SHA384.HashData(System.Text.Encoding.UTF8.GetBytes(image)) };
        Identity = MeasurementIdentity.Compute(new VerifiedWorkload(
            "dev", "dev", true, "NotApplicable", [], Measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)), []));
    }

    public Dictionary<string, byte[]> Measurements { get; }

    public string Identity { get; }

    /// <summary>Dev evidence over the report data a release checks: the challenge bound to the instance and its key.</summary>
    public byte[] Evidence(ECDsa devEvidenceKey, byte[] challenge, BenchInstance instance)
        => DevEvidence.Create(devEvidenceKey, Measurements, ReleaseBinding.ReportData(challenge, instance.InstanceId, instance.Scheme, instance.BoundKey));
}

/// <summary>
/// One running instance of a workload (one per load connection): a fixed instance id and a fixed key — an X25519
/// recipient key for derived keys, or an ECDSA P-256 key and its CSR for certificates — as a real instance keeps them
/// (a second key under the same instance id within the clone window would be refused as a clone).
/// </summary>
internal sealed class BenchInstance : IDisposable
{
    private readonly X25519KeyPair? _recipient;
    private readonly ECDsa? _tlsKey;

    public BenchInstance(BenchWorkload workload, bool certificates)
    {
        Workload = workload;
        if (certificates)
        {
            _tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=bench-instance", _tlsKey, HashAlgorithmName.SHA256);
            CsrDer = request.CreateSigningRequest();
            CsrPem = request.CreateSigningRequestPem();
            Scheme = "csr";
            BoundKey = _tlsKey.ExportSubjectPublicKeyInfo();
        }
        else
        {
            _recipient = X25519KeyPair.Generate();
            Scheme = "hpke-x25519";
            BoundKey = _recipient.PublicKey.ToArray();
        }
    }

    public BenchWorkload Workload { get; }

    public byte[] InstanceId { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>"hpke-x25519" or "csr".</summary>
    public string Scheme { get; }

    /// <summary>The key the evidence binds: the X25519 public key, or the CSR's SubjectPublicKeyInfo.</summary>
    public byte[] BoundKey { get; }

    public byte[] CsrDer { get; } = [];

    public string CsrPem { get; } = string.Empty;

    /// <summary>Opens a sealed derived key (checks the first release of a run end to end).</summary>
    public byte[] Open(byte[] encapsulation, byte[] ciphertext) => HpkeX25519.Open(
        _recipient ?? throw new InvalidOperationException("A certificate instance has no recipient key."),
        "Orleans.Kms release v1"u8, [], [.. encapsulation, .. ciphertext]);

    public void Dispose()
    {
        _recipient?.Dispose();
        _tlsKey?.Dispose();
    }
}
