using System.Security.Cryptography;

namespace Kms.Attestation.Identity;

/// <summary>
/// Measurement → workload identity schemes of the systems this KMS is compatible with. Each is a pure function of the
/// measurement registers; none of them includes report data, TCB or debug state (the verifier checked those).
/// </summary>
/// <remarks>
/// The TEE Registry System's contract-scoped identities (<c>DCAPIdentity</c>, <c>MAAIdentity</c>) are
/// <see cref="Kms.Crypto.Ethereum.RegistryIdentityHash"/>, shared with the governance contract bindings.
/// </remarks>
public static class MeasurementIdentitySchemes
{
    /// <summary>The TDX register size (MRTD, RTMRs).</summary>
    public const int TdxRegisterSize = 48;

    /// <summary>The Oasis TD identity customization string.</summary>
    public const string OasisTdContext = "oasis-core/tdx: TD enclave identity";

    /// <summary>tee-guardian's TDX measurement hash: SHA-256(RTMR0 ‖ RTMR1 ‖ RTMR2 ‖ RTMR3) (MRTD not included).</summary>
    public static byte[] TeeGuardianTdx(IReadOnlyList<ReadOnlyMemory<byte>> rtmrs)
    {
        ArgumentNullException.ThrowIfNull(rtmrs);
        if (rtmrs.Count != 4)
        {
            throw new ArgumentException("Exactly four RTMRs are required.", nameof(rtmrs));
        }

        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (ReadOnlyMemory<byte> rtmr in rtmrs)
        {
            RequireLength(rtmr.Span, TdxRegisterSize, nameof(rtmrs));
            hash.AppendData(rtmr.Span);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>
    /// tee-guardian's SNP measurement hash: SHA-256(MEASUREMENT ‖ HOST_DATA), or SHA-256(MEASUREMENT) when HOST_DATA is
    /// all zero.
    /// </summary>
    public static byte[] TeeGuardianSnp(ReadOnlySpan<byte> measurement, ReadOnlySpan<byte> hostData)
    {
        RequireLength(measurement, 48, nameof(measurement));
        RequireLength(hostData, 32, nameof(hostData));
        return hostData.ContainsAnyExcept((byte)0) ? SHA256.HashData([.. measurement, .. hostData]) : SHA256.HashData(measurement);
    }

    /// <summary>
    /// Oasis' TD enclave identity (MRENCLAVE of a TDX runtime): TupleHash256(S = "oasis-core/tdx: TD enclave identity",
    /// L = 256; MRTD, RTMR0, RTMR1, RTMR2, RTMR3). Its MRSIGNER is 32 zero bytes.
    /// </summary>
    public static byte[] OasisTd(ReadOnlySpan<byte> mrTd, IReadOnlyList<ReadOnlyMemory<byte>> rtmrs)
    {
        ArgumentNullException.ThrowIfNull(rtmrs);
        RequireLength(mrTd, TdxRegisterSize, nameof(mrTd));
        if (rtmrs.Count != 4)
        {
            throw new ArgumentException("Exactly four RTMRs are required.", nameof(rtmrs));
        }

        var items = new List<byte[]>(5) { mrTd.ToArray() };
        foreach (ReadOnlyMemory<byte> rtmr in rtmrs)
        {
            RequireLength(rtmr.Span, TdxRegisterSize, nameof(rtmrs));
            items.Add(rtmr.ToArray());
        }

        return TupleHash256.HashData(items, System.Text.Encoding.ASCII.GetBytes(OasisTdContext), 32);
    }

    /// <summary>The reference-KBS scheme: the SNP launch MEASUREMENT must equal one of <paramref name="allowed"/> exactly.</summary>
    public static bool SnpMeasurementMatches(SnpMeasurements snp, IEnumerable<ReadOnlyMemory<byte>> allowed)
    {
        ArgumentNullException.ThrowIfNull(snp);
        ArgumentNullException.ThrowIfNull(allowed);
        bool match = false;
        foreach (ReadOnlyMemory<byte> candidate in allowed)
        {
            // Measurements are public; constant time here only keeps timing independent of which entry matched.
            match |= candidate.Length == snp.Measurement.Length && CryptographicOperations.FixedTimeEquals(candidate.Span, snp.Measurement.Span);
        }

        return match;
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"{name} must be {length} bytes; got {value.Length}.", name);
        }
    }
}
