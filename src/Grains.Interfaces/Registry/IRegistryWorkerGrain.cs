namespace Kms.Grains.Registry;

/// <summary>
/// The Go TEE registry front end's work on the silo that received the request (a stateless worker): parses the claim
/// and the CSR, asks the namespace for its decision and key material, signs the certificate and gets the KMS's own
/// evidence. Every failure comes back as a <see cref="RegistryResult{T}"/> with the Go handler's status and message.
/// </summary>
[Alias("Kms.Grains.Registry.IRegistryWorkerGrain")]
public interface IRegistryWorkerGrain : IGrainWithIntegerKey
{
    /// <summary><c>POST /api/attested/secrets/{contract}</c>.</summary>
    [Alias("AppSecrets")]
    Task<RegistryResult<AppSecretsRecord>> AppSecretsAsync(AppSecretsRequest request, CancellationToken cancellationToken = default);

    /// <summary><c>GET /api/public/pki/{contract}</c> (contract: 0x + 40 lowercase hex).</summary>
    [Alias("Pki")]
    Task<RegistryResult<AppPkiRecord>> PkiAsync(string contract, CancellationToken cancellationToken = default);
}
