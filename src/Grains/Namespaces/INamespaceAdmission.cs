namespace Kms.Grains.Namespaces;

/// <summary>
/// Who decides, for one kind of namespace governance, which measurement identities are admitted — and how a verified
/// workload's identity is computed for it. The evidence policy and the namespace's local revocations are applied by
/// <see cref="NamespaceAuthorizer"/> around it, whatever the kind.
/// </summary>
internal interface INamespaceAdmission
{
    /// <summary>The identity the namespace knows <paramref name="workload"/> by (64 lowercase hex).</summary>
    /// <exception cref="KmsException">The evidence lacks what the identity needs (<see cref="KmsErrorKind.PolicyDenied"/>).</exception>
    string IdentityOf(VerifiedWorkload workload);

    /// <summary>Whether <paramref name="identity"/> is admitted, and why.</summary>
    /// <exception cref="KmsException">The governing source cannot be read (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    ValueTask<AuthorizationDecision> AdmitAsync(string identity, CancellationToken cancellationToken);
}
