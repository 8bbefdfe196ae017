using Kms.Attestation;
using Kms.Grains.Namespaces;

namespace Kms.Grains.Release;

/// <summary>Turns a verifier's <see cref="VerifiedEvidence"/> into the message grains exchange.</summary>
internal static class VerifiedWorkloads
{
    private const string DevMeasurementPrefix = "measurement.";

    public static VerifiedWorkload From(string evidenceType, VerifiedEvidence evidence)
    {
        var measurements = new Dictionary<string, string>(StringComparer.Ordinal);
        if (evidence.Tdx is { } tdx)
        {
            Add(measurements, "mrtd", tdx.MrTd);
            Add(measurements, "mr_config_id", tdx.MrConfigId);
            Add(measurements, "mr_owner", tdx.MrOwner);
            Add(measurements, "mr_owner_config", tdx.MrOwnerConfig);
            for (int i = 0; i < tdx.Rtmrs.Count; i++)
            {
                Add(measurements, "rtmr" + i, tdx.Rtmrs[i]);
            }
        }

        if (evidence.Snp is { } snp)
        {
            Add(measurements, "measurement", snp.Measurement);
            Add(measurements, "host_data", snp.HostData);
            Add(measurements, "family_id", snp.FamilyId);
            Add(measurements, "image_id", snp.ImageId);
        }

        if (evidence.Sgx is { } sgx)
        {
            Add(measurements, "mrenclave", sgx.MrEnclave);
            Add(measurements, "mrsigner", sgx.MrSigner);
            measurements["isv_prod_id"] = sgx.IsvProdId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            measurements["isv_svn"] = sgx.IsvSvn.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Add(measurements, "attributes", sgx.Attributes);
        }

        if (evidence.Azure is { } azure)
        {
            foreach ((int index, ReadOnlyMemory<byte> value) in azure.Pcrs)
            {
                Add(measurements, "pcr" + index, value);
            }
        }

        if (evidence.Tee == TeeType.Dev)
        {
            foreach ((string name, string value) in evidence.PlatformIds.Where(p => p.Key.StartsWith(DevMeasurementPrefix, StringComparison.Ordinal)))
            {
                measurements[name[DevMeasurementPrefix.Length..]] = value;
            }
        }

        var workload = new VerifiedWorkload(
            evidenceType,
            TeeName(evidence.Tee),
            evidence.Debug,
            evidence.TcbStatus.ToString(),
            evidence.AdvisoryIds.ToArray(),
            measurements,
            evidence.ReportData.ToArray());
        try
        {
            return workload with { Identity = MeasurementIdentity.Compute(workload) };
        }
        catch (KmsException)
        {
            return workload;
        }
    }

    public static string TeeName(TeeType tee) => tee switch
    {
        TeeType.Tdx => "tdx",
        TeeType.SevSnp => "sev-snp",
        TeeType.AzureSevSnp => "azure-sev-snp",
        TeeType.AzureTdx => "azure-tdx",
        TeeType.Dev => "dev",
        TeeType.Sgx => "sgx",
        _ => throw new ArgumentOutOfRangeException(nameof(tee), tee, "Unknown TEE type."),
    };

    private static void Add(Dictionary<string, string> measurements, string name, ReadOnlyMemory<byte> value) =>
        measurements[name] = Convert.ToHexStringLower(value.Span);
}
