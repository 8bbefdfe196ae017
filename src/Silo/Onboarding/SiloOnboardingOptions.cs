namespace Kms.Silo.Onboarding;

/// <summary>How a silo asks to join the committee of root-key holders (section <c>Silo:Onboarding</c>).</summary>
public sealed class SiloOnboardingOptions
{
    /// <summary>
    /// Submit an onboarding request at start-up when this silo holds no share of an initialized cluster: evidence of
    /// this silo's TEE (the silo's evidence provider) that binds its name and a nonce kept in the data directory, so a
    /// restart submits the same request. Admins, or the KMS governance contract, then approve it. Default: off.
    /// </summary>
    public bool SubmitOnStart { get; set; }

    /// <summary>How long to wait before asking again while the cluster is uninitialized or unreachable. Default: 10 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(10);
}
