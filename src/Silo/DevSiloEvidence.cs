using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Providers;

namespace Kms.Silo;

/// <summary>
/// The evidence a <c>--dev</c> silo gives of itself: dev evidence signed with the dev evidence key of its data
/// directory (the key its own dev verifier trusts), claiming fixed, recognisable registers — never evidence of a TEE.
/// </summary>
internal static class DevSiloEvidence
{
    /// <summary>The registers a dev silo claims: "mrtd", "rtmr0".."rtmr3" = SHA-384("Orleans.Kms dev silo " + name).</summary>
    public static IReadOnlyDictionary<string, byte[]> Measurements { get; } = new[] { "mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3" }
        .ToDictionary(name => name, name => SHA384.HashData(Encoding.ASCII.GetBytes("Orleans.Kms dev silo " + name)), StringComparer.Ordinal);

    public static DevEvidenceProvider CreateProvider(KmsSiloOptions options) =>
        new(DevKeyFile.LoadOrCreate(options.DevEvidenceKeyPath), Measurements);
}
