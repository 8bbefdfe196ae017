using Kms.Attestation;
using Kms.Attestation.Azure;
using Kms.Attestation.Collateral;
using Kms.Attestation.Dev;
using Kms.Attestation.Sgx;
using Kms.Attestation.Snp;
using Kms.Attestation.Tdx;
using Microsoft.Extensions.Logging;

namespace Kms.Silo;

/// <summary>The evidence verifiers a silo runs, from its options.</summary>
internal static class SiloEvidenceVerifiers
{
    /// <summary>
    /// SEV-SNP and Azure confidential-VM evidence always (their certificate chains travel with the evidence or come from
    /// the collateral directory); TDX and SGX quotes when a collateral directory is configured; dev evidence only in development
    /// mode (signed by the dev evidence key in the data directory) or with an explicit insecure dev evidence key.
    /// </summary>
    public static List<IEvidenceVerifier> Create(KmsSiloOptions options, ILoggerFactory loggers)
    {
        ICollateralSource? collateral = options.CollateralDirectory is { } directory ? new DirectoryCollateralSource(directory) : null;
        var verifiers = new List<IEvidenceVerifier>();
        TdxQuoteVerifier? tdx = collateral is null ? null : new TdxQuoteVerifier(collateral, timeProvider: TimeProvider.System);
        if (collateral is not null)
        {
            verifiers.Add(tdx!);
            verifiers.Add(new SgxQuoteVerifier(collateral, timeProvider: TimeProvider.System));
        }

        verifiers.Add(new SnpEvidenceVerifier(SnpPolicy.Default, TimeProvider.System, collateral));
        verifiers.Add(new AzureCvmEvidenceVerifier(new AzureCvmPolicy(), TimeProvider.System, collateral, tdx));
        if (options.AcceptsDevEvidence)
        {
            using var key = DevKeyFile.LoadOrCreate(options.DevEvidenceKeyPath);
            verifiers.Add(DevEvidenceVerifier.Create(
                DevModeAcknowledgement.FromDevFlag(options.AcceptsDevEvidence), key.ExportSubjectPublicKeyInfo(), loggers.CreateLogger<DevEvidenceVerifier>()));
        }

        return verifiers;
    }
}
