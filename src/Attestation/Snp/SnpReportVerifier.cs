using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Kms.Attestation.Snp;

/// <summary>
/// Verifies an SEV-SNP attestation report against its VCEK or VLEK: the endorsement key's chain to a pinned AMD ARK
/// (RSASSA-PSS, validity at the injected time), the report's ECDSA P-384 signature, the key's TCB and chip id against
/// the report, then the <see cref="SnpPolicy"/> and the report-data binding. Verified endorsement keys are cached by
/// the SHA-256 of their DER encoding, so a repeat verification costs one ECDSA verification.
/// </summary>
public sealed class SnpReportVerifier
{
    private const int MaxCachedKeys = 256;

    private readonly ConcurrentDictionary<string, SnpEndorsementKey> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public SnpReportVerifier(SnpPolicy policy, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Policy = policy;
        _timeProvider = timeProvider;
    }

    public SnpPolicy Policy { get; }

    /// <summary>
    /// Verifies <paramref name="report"/> signed by the key in <paramref name="endorsementKeyDer"/> and requires its
    /// REPORT_DATA to equal <paramref name="expectedReportData"/> (1..64 bytes, zero-padded to 64; constant-time).
    /// </summary>
    public VerifiedEvidence Verify(ReadOnlySpan<byte> report, ReadOnlySpan<byte> endorsementKeyDer, ReadOnlySpan<byte> expectedReportData)
    {
        if (expectedReportData.IsEmpty || expectedReportData.Length > 64)
        {
            throw new ArgumentException("The expected report data must be 1 to 64 bytes.", nameof(expectedReportData));
        }

        VerifiedEvidence evidence = VerifyUnbound(report, endorsementKeyDer, TeeType.SevSnp, out _, out _);
        RequireReportData(evidence.ReportData.Span, expectedReportData);
        return evidence;
    }

    /// <summary>As <see cref="Verify"/>, also naming the family and kind of the endorsement key (for a revocation check).</summary>
    internal VerifiedEvidence Verify(ReadOnlySpan<byte> report, ReadOnlySpan<byte> endorsementKeyDer, ReadOnlySpan<byte> expectedReportData, out SnpProcessorFamily family, out SnpSigningKey kind)
    {
        if (expectedReportData.IsEmpty || expectedReportData.Length > 64)
        {
            throw new ArgumentException("The expected report data must be 1 to 64 bytes.", nameof(expectedReportData));
        }

        VerifiedEvidence evidence = VerifyUnbound(report, endorsementKeyDer, TeeType.SevSnp, out _, out SnpEndorsementKey key);
        RequireReportData(evidence.ReportData.Span, expectedReportData);
        family = key.Family;
        kind = key.Kind;
        return evidence;
    }

    /// <summary>
    /// Verifies everything except the report-data binding, for callers (Azure vTPM evidence) whose report data binds
    /// something else that they check themselves.
    /// </summary>
    internal VerifiedEvidence VerifyUnbound(ReadOnlySpan<byte> reportBytes, ReadOnlySpan<byte> endorsementKeyDer, TeeType tee, out SnpReport report, out SnpEndorsementKey key)
    {
        report = SnpReport.Parse(reportBytes);
        key = GetEndorsementKey(endorsementKeyDer, report.SigningKey);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        key.Chain.RequireValidAt(now, key.Kind);
        key.Certificate.RequireValidAt(now, key.Kind == SnpSigningKey.Vlek ? "VLEK" : "VCEK");

        SnpProcessorFamily? cpuidFamily = report.CpuidProcessorFamily();
        if (cpuidFamily is { } family && family != key.Family)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The report comes from a {family} processor but is endorsed by a {key.Family} key.");
        }

        Span<byte> signature = stackalloc byte[96];
        report.WriteSignatureP1363(signature);
        if (!key.PublicKey.VerifyData(report.SignedBytes, signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The SEV-SNP report signature does not verify with its endorsement key.");
        }

        SnpMeasurements m = report.Measurements;
        SnpTcbVersion reportedTcb = SnpTcbVersion.FromRaw(m.ReportedTcb, key.Family);
        if (reportedTcb != key.Tcb)
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The report's REPORTED_TCB ({reportedTcb}) differs from the TCB the endorsement key was issued for ({key.Tcb}).");
        }

        bool chipIdPresent = m.ChipId.Span.ContainsAnyExcept((byte)0);
        if (key.HwId is { } hwId && chipIdPresent)
        {
            ReadOnlySpan<byte> chipId = m.ChipId.Span;
            if (!chipId[..hwId.Length].SequenceEqual(hwId) || chipId[hwId.Length..].ContainsAnyExcept((byte)0))
            {
                throw new AttestationException(AttestationFailureKind.UntrustedChain, "The report's CHIP_ID differs from the VCEK's hwID.");
            }
        }

        ApplyPolicy(report, reportedTcb, chipIdPresent);

        var platformIds = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["processor_family"] = key.Family.ToString(),
            ["signing_key"] = key.Kind == SnpSigningKey.Vlek ? "vlek" : "vcek",
            ["reported_tcb"] = m.ReportedTcb.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (chipIdPresent)
        {
            platformIds["chip_id"] = Convert.ToHexStringLower(m.ChipId.Span);
        }

        return new VerifiedEvidence
        {
            Tee = tee,
            ReportData = report.ReportData.ToArray(),
            TcbStatus = TcbStatus.UpToDate,
            Debug = report.DebugAllowed,
            PlatformIds = platformIds,
            Snp = m,
        };
    }

    internal static void RequireReportData(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected)
    {
        Span<byte> padded = stackalloc byte[64];
        padded.Clear();
        expected.CopyTo(padded);
        if (actual.Length != 64 || !CryptographicOperations.FixedTimeEquals(actual, padded))
        {
            throw new AttestationException(AttestationFailureKind.ReportDataMismatch, "The report data does not bind this request.");
        }
    }

    private void ApplyPolicy(SnpReport report, SnpTcbVersion reportedTcb, bool chipIdPresent)
    {
        SnpMeasurements m = report.Measurements;
        if (report.DebugAllowed && !Policy.AllowDebug)
        {
            throw new AttestationException(AttestationFailureKind.DebugNotAllowed, "The guest policy allows debugging and the verification policy does not.");
        }

        if (!reportedTcb.Meets(Policy.MinimumTcb))
        {
            throw new AttestationException(AttestationFailureKind.TcbNotAcceptable, $"REPORTED_TCB ({reportedTcb}) is below the minimum ({Policy.MinimumTcb}).");
        }

        if (m.Vmpl > Policy.MaximumVmpl)
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, $"The report comes from VMPL {m.Vmpl}; the policy allows up to {Policy.MaximumVmpl}.");
        }

        if (Policy.AllowedChipIds is { } chipIds && (!chipIdPresent || !ContainsValue(chipIds, m.ChipId.Span)))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, "The report's CHIP_ID is not allowed.");
        }

        if (Policy.AllowedMeasurements is { } measurements && !ContainsValue(measurements, m.Measurement.Span))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, "The launch MEASUREMENT is not allowed.");
        }

        if (Policy.AllowedHostData is { } hostData && !ContainsValue(hostData, m.HostData.Span))
        {
            throw new AttestationException(AttestationFailureKind.PolicyViolation, "The HOST_DATA is not allowed.");
        }
    }

    private static bool ContainsValue(IReadOnlyList<ReadOnlyMemory<byte>> allowed, ReadOnlySpan<byte> value)
    {
        foreach (ReadOnlyMemory<byte> candidate in allowed)
        {
            if (candidate.Span.SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    private SnpEndorsementKey GetEndorsementKey(ReadOnlySpan<byte> der, SnpSigningKey kind)
    {
        if (der.IsEmpty || der.Length > 16 * 1024)
        {
            throw new AttestationException(AttestationFailureKind.MissingCollateral, "No usable VCEK/VLEK certificate was supplied.");
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(der, hash);
        string cacheKey = (kind == SnpSigningKey.Vlek ? "vlek:" : "vcek:") + Convert.ToHexStringLower(hash);
        if (_keys.TryGetValue(cacheKey, out SnpEndorsementKey? cached))
        {
            return cached;
        }

        SnpEndorsementKey key = SnpEndorsementKey.Create(der, kind);
        if (_keys.Count >= MaxCachedKeys)
        {
            // Bounded memory under a flood of distinct certificates; dropped keys are left to the finalizer because
            // a concurrent verification may still hold one.
            _keys.Clear();
        }

        return _keys.GetOrAdd(cacheKey, key);
    }
}
