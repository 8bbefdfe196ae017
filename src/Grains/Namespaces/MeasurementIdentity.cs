using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Identity;

namespace Kms.Grains.Namespaces;

/// <summary>
/// The measurement identity of a workload in a registry-governed namespace (64 lowercase hex), by TEE:
/// TDX: SHA-256(RTMR0 ‖ RTMR1 ‖ RTMR2 ‖ RTMR3) and SEV-SNP: SHA-256(measurement ‖ host data) — tee-guardian's
/// measurement hashes, MRTD and the firmware excluded; Azure confidential VMs: SHA-256(PCR4 ‖ PCR9 ‖ PCR11), the vTPM
/// PCRs that measure the workload's boot chain; SGX: MRENCLAVE itself; dev: SHA-256 over the dev measurements by name.
/// </summary>
public static class MeasurementIdentity
{
    /// <summary>The identity of <paramref name="workload"/>.</summary>
    /// <exception cref="KmsException">The evidence lacks a register the scheme needs (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    public static string Compute(VerifiedWorkload workload)
    {
        try
        {
            return ComputeCore(workload);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, $"The {workload.Tee} evidence has a malformed measurement register.");
        }
    }

    private static string ComputeCore(VerifiedWorkload workload) => workload.Tee switch
    {
        "tdx" => Hex(MeasurementIdentitySchemes.TeeGuardianTdx([.. Registers(workload, "rtmr0", "rtmr1", "rtmr2", "rtmr3")])),
        "sev-snp" => Hex(MeasurementIdentitySchemes.TeeGuardianSnp(Register(workload, "measurement"), Register(workload, "host_data"))),
        "azure-sev-snp" or "azure-tdx" => Hex(SHA256.HashData([.. Registers(workload, "pcr4", "pcr9", "pcr11").SelectMany(r => r.ToArray())])),
        "sgx" => Hex(Register(workload, "mrenclave") is { Length: 32 } mrEnclave ? mrEnclave : throw new ArgumentException("MRENCLAVE is 32 bytes.")),
        "dev" => Dev(workload),
        _ => throw new KmsException(KmsErrorKind.PolicyDenied, $"No measurement identity is defined for TEE type '{workload.Tee}'."),
    };

    private static string Dev(VerifiedWorkload workload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("orleans-kms dev identity v1"u8);
        foreach ((string name, string value) in workload.Measurements.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData([0]);
            hash.AppendData(Convert.FromHexString(value));
            hash.AppendData([0]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Registers(VerifiedWorkload workload, params string[] names) =>
        names.Select(name => (ReadOnlyMemory<byte>)Register(workload, name));

    internal static byte[] Register(VerifiedWorkload workload, string name) =>
        workload.Measurements.TryGetValue(name, out string? hex)
            ? Convert.FromHexString(hex)
            : throw new KmsException(KmsErrorKind.PolicyDenied, $"The {workload.Tee} evidence carries no '{name}' measurement.");

    private static string Hex(byte[] digest) => Convert.ToHexStringLower(digest);
}
