namespace Kms.Attestation;

/// <summary>
/// The TCB level status of a platform, with Intel's names (Intel PCS TCB info v3 "tcbStatus").
/// Verifiers of other TEEs map their own result onto these values.
/// </summary>
public enum TcbStatus
{
    UpToDate,
    SWHardeningNeeded,
    ConfigurationNeeded,
    ConfigurationAndSWHardeningNeeded,
    OutOfDate,
    OutOfDateConfigurationNeeded,
    Revoked,

    /// <summary>The verifier does not compute a TCB status for this evidence type (for example dev evidence).</summary>
    NotApplicable,
}
