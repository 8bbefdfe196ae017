using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Providers;

namespace Kms.Silo;

/// <summary>
/// The evidence a <c>--dev</c> silo gives of itself (when it asks to join, or proves a response): dev evidence signed
/// with the data directory's dev evidence key, claiming fixed rtmr0..rtmr2 so that registry and contract identities
/// are defined. Never evidence of a TEE.
/// </summary>
internal static class DevSiloEvidence
{
    /// <summary>The dev silo's claimed measurement registers: SHA-384 of "Orleans.Kms dev silo rtmrN".</summary>
    public static IReadOnlyDictionary<string, byte[]> Measurements { get; } = Enumerable.Range(0, 3).ToDictionary(
        i => "rtmr" + i, i => SHA384.HashData(Encoding.ASCII.GetBytes("Orleans.Kms dev silo rtmr" + i)), StringComparer.Ordinal);

    public static DevEvidenceProvider Create(KmsSiloOptions options) =>
        new(DevKeyFile.LoadOrCreate(Path.Combine(options.DataDirectory!, KmsSiloOptions.DevEvidenceKeyFileName)), Measurements);
}
