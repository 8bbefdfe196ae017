namespace Kms.Api.Admin;

/// <summary>Finds the public keys of the admins registered at cluster init; the silo implements it over the cluster grain.</summary>
public interface IAdminKeyStore
{
    /// <summary>The admin key registered under <paramref name="keyId"/>, or <see langword="null"/> when there is none.</summary>
    /// <param name="keyId">A syntactically valid key id (1–64 characters of <c>[A-Za-z0-9._-]</c>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<AdminPublicKey?> FindAsync(string keyId, CancellationToken cancellationToken);
}
