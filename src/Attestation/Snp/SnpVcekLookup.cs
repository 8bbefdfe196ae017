namespace Kms.Attestation.Snp;

/// <summary>Looks up the VCEK for a report in a collateral source (VLEKs are never looked up: they must travel with the evidence).</summary>
internal static class SnpVcekLookup
{
    /// <summary>
    /// The VCEK DER for <paramref name="report"/>: processor family from the CPUID fields of a version 3 report, otherwise
    /// each pinned family in turn. Throws MissingCollateral when there is none.
    /// </summary>
    public static async ValueTask<byte[]> FetchAsync(ICollateralSource? collateral, SnpReport report, CancellationToken cancellationToken)
    {
        SnpMeasurements m = report.Measurements;
        if (collateral is not null && report.SigningKey == SnpSigningKey.Vcek && m.ChipId.Span.ContainsAnyExcept((byte)0))
        {
            IEnumerable<SnpProcessorFamily> families = report.CpuidProcessorFamily() is { } family ? [family] : AmdRootCertificates.Families;
            foreach (SnpProcessorFamily candidate in families)
            {
                ReadOnlyMemory<byte>? vcek = await collateral.GetVcekAsync(candidate.ToString(), m.ChipId, m.ReportedTcb, cancellationToken).ConfigureAwait(false);
                if (vcek is { IsEmpty: false } found)
                {
                    return found.ToArray();
                }
            }
        }

        throw new AttestationException(AttestationFailureKind.MissingCollateral, "The evidence carries no VCEK/VLEK certificate and none is available for its chip and TCB.");
    }
}
