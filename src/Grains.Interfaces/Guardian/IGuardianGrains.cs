namespace Kms.Grains.Guardian;

/// <summary>
/// tee-guardian's two-phase attestation (<c>/attestation/{namespace}/register|verify</c>) on the silo that received
/// the request (a stateless worker): decodes and verifies evidence, lets the namespace decide and the workload identity
/// keep its challenge and instances; after <c>verify</c>, issues a certificate for a CSR when one is sent.
/// </summary>
[Alias("Kms.Grains.Guardian.IGuardianAttestationGrain")]
public interface IGuardianAttestationGrain : IGrainWithIntegerKey
{
    /// <summary>Phase 1: evidence with report data zeros(32) ‖ instance id → a challenge.</summary>
    [Alias("Register")]
    Task<GuardianChallenge> RegisterAsync(string @namespace, byte[] evidence, CancellationToken cancellationToken = default);

    /// <summary>Phase 2: evidence with report data challenge ‖ instance id → verified, and a certificate for a CSR.</summary>
    [Alias("Verify")]
    Task<GuardianVerification> VerifyAsync(string @namespace, GuardianVerifyRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// tee-guardian's measurement registry of one namespace (key: the namespace): its measurement objects (platform and
/// data) over the namespace's own registry, which decides admission and keeps revocations.
/// </summary>
[Alias("Kms.Grains.Guardian.IGuardianRegistryGrain")]
public interface IGuardianRegistryGrain : IGrainWithStringKey
{
    /// <summary>Adds (or re-admits) a measurement; creates the namespace (registry governance) when it does not exist.</summary>
    [Alias("Add")]
    Task<GuardianMeasurementView> AddAsync(GuardianMeasurement measurement, string admin, CancellationToken cancellationToken = default);

    /// <summary>One measurement.</summary>
    /// <exception cref="KmsException">Not in the registry (<see cref="KmsErrorKind.NotFound"/>, "Measurement not found").</exception>
    [Alias("Get")]
    Task<GuardianMeasurementView> GetAsync(string measurementHash, CancellationToken cancellationToken = default);

    /// <summary>Every measurement of the namespace, revoked ones included.</summary>
    [Alias("List")]
    Task<IReadOnlyList<GuardianMeasurementView>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a measurement: refused from the next request on.</summary>
    [Alias("Revoke")]
    Task<GuardianMeasurementView> RevokeAsync(string measurementHash, string admin, CancellationToken cancellationToken = default);
}
