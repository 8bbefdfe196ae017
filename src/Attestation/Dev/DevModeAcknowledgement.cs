namespace Kms.Attestation.Dev;

/// <summary>
/// Proof that the silo was started in dev mode (<c>--dev</c>). Dev evidence verifiers can only be created with one, and
/// one can only be obtained from a true dev flag, so production composition roots cannot register dev evidence by accident.
/// </summary>
public sealed class DevModeAcknowledgement
{
    private DevModeAcknowledgement()
    {
    }

    /// <summary>Returns an acknowledgement when <paramref name="devFlag"/> (the silo's --dev option) is true; throws otherwise.</summary>
    /// <exception cref="InvalidOperationException">Dev mode is off.</exception>
    public static DevModeAcknowledgement FromDevFlag(bool devFlag) =>
        devFlag ? new DevModeAcknowledgement() : throw new InvalidOperationException("Dev evidence is only available when the silo runs with --dev.");
}
